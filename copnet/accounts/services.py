"""Writes on accounts and API keys. Each runs in one transaction and writes its own audit row."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.network.models import Organisation

from .models import ApiKey, User

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

API_KEY_PREFIX = "cpn"


def hash_api_key(raw_key: str) -> str:
    # Keys are 256-bit random strings: a fast hash is enough and keeps lookups cheap.
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def generate_api_key() -> tuple[str, str]:
    """(prefix, raw key). The prefix is public and names the key in lists and audit rows."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def do_create_api_key(
    *, organisation: Organisation, name: str, actor: Principal | None
) -> tuple[ApiKey, str]:
    """Returns the key row and the raw key, which is never stored and cannot be shown again."""
    prefix, raw_key = generate_api_key()
    with transaction.atomic():
        key = ApiKey.objects.create(
            organisation=organisation,
            name=name,
            prefix=prefix,
            key_hash=hash_api_key(raw_key),
            created_by=actor if isinstance(actor, User) else None,
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=key,
            changes={"organisation": organisation.code, "name": name},
        )
    return key, raw_key


def do_revoke_api_key(*, key: ApiKey, actor: Principal | None, reason: str = "") -> ApiKey:
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record_change(
                actor=actor,
                action=AuditAction.REVOKE,
                target=locked,
                reason="API key revoked",
                note=reason,
            )
    return locked


def authenticate_api_key(raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key`, whose organisation is still active, or None."""
    if not raw_key or len(raw_key) > 200 or not raw_key.startswith(f"{API_KEY_PREFIX}_"):
        return None
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(key_hash=hash_api_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.organisation.is_active_on():
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def do_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def do_ensure_admin(
    *, email: str, password: str | None, organisation: Organisation
) -> tuple[User, str | None]:
    """Create the first administrator if none exists.

    Returns the admin and the password to print: a fresh random one when none was given, None
    when the admin already existed (its password is never reset here).
    """
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return existing, None
    generated = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_superuser(
            email=email, password=generated, organisation=organisation, full_name="Administrator"
        )
        record_change(
            actor=None,
            action=AuditAction.CREATE,
            target=user,
            changes={"email": user.email, "role": user.role, "superuser": True},
        )
    return user, (None if password else generated)


def do_change_password(*, user: User, password: str) -> User:
    """The person sets a new password (already validated). Every other session of theirs ends:
    Django signs sessions with a hash of the password; the caller keeps the current one."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_change(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)
    return user


def has_acted(user: User) -> bool:
    """True once the account appears as the actor of an audit row (it can then never be deleted)."""
    from copnet.audit.models import AuditEvent

    return AuditEvent.objects.filter(actor=user).exists()


def do_deactivate_user(*, user: User, actor: Principal | None, reason: str = "") -> User:
    """Accounts are deactivated, never deleted once they acted: the audit trail keeps pointing
    at them. A deactivated account cannot sign in, and its open sessions stop working at once
    (Django's backend refuses inactive users on every request)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={"is_active": [True, False]},
                reason=reason,
            )
    return locked
