from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.cleaning import clean_field

from ..errors import VolunteerError

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def clean_text(value: Any, *, limit: int, field: str, required: bool = False) -> str:
    """`core.cleaning.clean_field` raising VolunteerError."""
    return clean_field(value, limit=limit, field=field, required=required, error=VolunteerError)


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
) -> NoReturn:
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
