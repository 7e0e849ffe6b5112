"""The hotline's system answers referrals made to it and joins its call notes (API keys)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.principal import ApiRequest
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError, ApiErrorCode

from . import services
from .schemas import CallNoteIn, CallNoteOut, PostbackIn, PostbackOut
from .signing import SIGNATURE_HEADER

router = Router(tags=["referrals for support"], auth=api_key_auth)


def _key(request: ApiRequest) -> Any:
    key = principal(request)
    if not has_perm(key, Perm.SUPPORT_CALLBACK):
        raise ApiError(403, ApiErrorCode.FORBIDDEN, _("This key may not answer referrals."))
    return key


@router.post(
    "/support/referrals/{reference}/status",
    response={200: PostbackOut, **errors(401, 403, 404, 409)},
    summary="The hotline posts back its own status of a referral made to it (signed)",
    description="`bad_signature` or `stale_timestamp` (401) for a missing, wrong or old "
    "signature; `no_endpoint` (403) without a hotline link; `not_found` (404) for a referral "
    "not made to your organisation; `replayed` (409) for an event id already received; 422 for "
    "a status the referral cannot take now (`invalid_transition`) or a missing note/outcome.",
)
def postback(request: ApiRequest, reference: str, payload: PostbackIn) -> dict[str, Any]:
    key = _key(request)
    services.verify_signed(
        api_key=key, body=request.body, header=request.headers.get(SIGNATURE_HEADER, "")
    )
    referral = services.do_apply_postback(
        api_key=key,
        reference=reference.strip().upper()[:20],
        event_id=payload.event_id,
        status=payload.status,
        note=payload.note,
        outcome=payload.outcome,
        external_status=payload.external_status,
        external_ref=payload.external_ref,
    )
    return {
        "reference": referral.reference,
        "status": referral.status,
        "external_status": referral.external_status,
    }


@router.post(
    "/support/call-notes",
    response={201: CallNoteOut, **errors(401, 403, 404, 409)},
    summary="A hotline operator's call note joins the case of an online report (signed)",
    description="Signed as the post-back. `no_such_case` (404) when neither the tracking code "
    "nor a case reference your organisation knows names a case; `replayed` (409) for an event "
    "id already received.",
)
def call_note(request: ApiRequest, payload: CallNoteIn) -> Status:
    key = _key(request)
    services.verify_signed(
        api_key=key, body=request.body, header=request.headers.get(SIGNATURE_HEADER, "")
    )
    note = services.do_add_call_note(
        api_key=key,
        event_id=payload.event_id,
        text=payload.text,
        called_at=payload.called_at,
        tracking_code=payload.tracking_code,
        case_reference=payload.case_reference,
        operator_ref=payload.operator_ref,
    )
    return Status(201, {"linked": True, "note_id": note.pk})
