"""Platforms answer removal requests; partners read compliance figures (API keys)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.principal import ApiRequest
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError, ApiErrorCode

from . import selectors, services
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
def callback(request: ApiRequest, payload: CallbackIn) -> dict[str, Any]:
    key = principal(request)
    if not has_perm(key, Perm.PLATFORM_CALLBACK):
        raise ApiError(403, ApiErrorCode.FORBIDDEN, _("This key may not answer removal requests."))
    answered = services.do_apply_callback(  # TakedownError: 422, or its code's status
        api_key=key,
        reference=payload.reference.strip().upper(),
        event_id=payload.event_id,
        status=payload.status,
        refusal_reason=payload.refusal_reason,
        note=payload.note,
        platform_ref=payload.platform_ref,
        occurred_at=payload.occurred_at,
    )
    return {"reference": answered.reference, "status": answered.status}


@router.get(
    "/takedowns/compliance", response=ComplianceOut, summary="Compliance figures per platform"
)
def compliance(request: HttpRequest) -> dict[str, Any]:
    return {"platforms": [f.as_dict() for f in selectors.compliance()]}
