from __future__ import annotations

import hashlib
import secrets
import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.text import strip_format_controls

from ..errors import VolunteerError, VolunteerErrorCode

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def clean_text(value: Any, *, limit: int, field: str, required: bool = False) -> str:
    """NFC text without control characters (newlines and tabs kept) and without bidi controls
    or other invisible format characters (core.text), within `limit`."""
    if not isinstance(value, str):
        raise VolunteerError(VolunteerErrorCode.INVALID, _("This must be text."), field)
    text = strip_format_controls(unicodedata.normalize("NFC", value).replace("\r\n", "\n"))
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs", "Co", "Cn"}
    )
    text = text.strip()
    if required and not text:
        raise VolunteerError(VolunteerErrorCode.REQUIRED, _("This field is required."), field)
    if len(text) > limit:
        raise VolunteerError(
            VolunteerErrorCode.TOO_LONG,
            _("This text is too long: at most %(limit)s characters.") % {"limit": f"{limit:,}"},
            field,
        )
    return text


def new_token() -> tuple[str, str]:
    """(raw token for a link, its hash to store)."""
    raw = secrets.token_urlsafe(24)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def deny(
    *,
    actor: Principal | None,
    reason: str,
    target: models.Model | None = None,
    target_type: str = "",
    exc: Exception | None = None,
) -> None:
    """Audit a refused attempt (outside any transaction being rolled back), then raise."""
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target=target,
            target_type=target_type,
            reason=reason,
        )
    raise exc or PermissionDenied(reason)
