"""Platforms answer removal requests; partners read compliance figures (API keys)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from copnet.accounts.permissions import Perm, has_perm
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError

from . import selectors, services
from .errors import TakedownError
from .schemas import CallbackIn, CallbackOut, ComplianceOut

router = Router(tags=["removal requests"], auth=api_key_auth)


@router.post(
    "/takedowns/callbacks",
    response={200: CallbackOut, **errors(403, 404, 409)},
    summary="A platform answers a removal request (acknowledged, removed or refused)",
    description="`not_found` (404) for a request that is not your platform's, `replayed` "
    "(409) for an event id already received, 422 for an answer the request's state does not "
    "allow (`invalid_transition`) or a refusal without a reason (`reason_required`).",
)
def callback(request: HttpRequest, payload: CallbackIn) -> dict[str, Any]:
    key = principal(request)
    if not has_perm(key, Perm.PLATFORM_CALLBACK):
        raise ApiError(403, "forbidden", _("This key may not answer removal requests."))
    try:
        answered = services.do_apply_callback(
            api_key=key,
            reference=payload.reference.strip().upper(),
            event_id=payload.event_id,
            status=payload.status,
            refusal_reason=payload.refusal_reason,
            note=payload.note,
            platform_ref=payload.platform_ref,
            occurred_at=payload.occurred_at,
        )
    except TakedownError as exc:
        status = exc.status if exc.status != 400 else 422
        raise ApiError(status, exc.code, exc.message) from None
    return {"reference": answered.reference, "status": answered.status}


@router.get(
    "/takedowns/compliance", response=ComplianceOut, summary="Compliance figures per platform"
)
def compliance(request: HttpRequest) -> dict[str, Any]:
    return {"platforms": [f.as_dict() for f in selectors.compliance()]}
