"""Training, levels, status (suspend, reinstate, off-board), settings and personal API keys."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.workflow import check

from ..choices import AssignmentStatus, Level, VolunteerStatus
from ..errors import VolunteerError, VolunteerErrorCode
from ..models import (
    Assignment,
    TrainingCompletion,
    TrainingItem,
    Volunteer,
    VolunteerKey,
)
from ..training import training_complete
from ..workflow import VOLUNTEER
from .common import clean_text, deny, hash_token

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

KEY_PREFIX = "cpv"


def touch(volunteer: Volunteer) -> None:
    """Remember activity (for inactivity reminders); at most one write per hour."""
    now = timezone.now()
    if (now - volunteer.last_active_at).total_seconds() > 3600:
        Volunteer.objects.filter(pk=volunteer.pk).update(last_active_at=now)
        volunteer.last_active_at = now


def _own(volunteer: Volunteer, actor: Principal | None, what: str) -> None:
    if getattr(actor, "pk", None) != volunteer.user_id or not volunteer.is_active:
        deny(actor=actor, reason=what, target=volunteer)


def do_complete_training_item(
    *, volunteer: Volunteer, item: TrainingItem, actor: Principal | None
) -> bool:
    """Tick one checklist item. When the checklist is complete, a new volunteer becomes
    `trained`. Returns whether the training is now complete."""
    _own(volunteer, actor, "training of another volunteer")
    if not item.is_active:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_CHOICE, _("This training item is no longer required.")
        )
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        _done, created = TrainingCompletion.objects.get_or_create(volunteer=locked, item=item)
        complete = training_complete(locked)
        changes: dict[str, Any] = {"item": item.code}
        if complete and locked.level == Level.NEW:
            locked.level = Level.TRAINED
            locked.save(update_fields=["level"])
            changes["level"] = [Level.NEW, Level.TRAINED]
        if created:
            record_change(actor=actor, action=AuditAction.UPDATE, target=locked, changes=changes)
    touch(volunteer)
    return complete


def do_refresh_training(*, volunteer: Volunteer, actor: Principal | None) -> bool:
    """A new volunteer whose training became complete elsewhere (the required course, finished
    in the education app) becomes `trained`. Returns whether the training is complete."""
    _own(volunteer, actor, "training of another volunteer")
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        complete = training_complete(locked)
        if complete and locked.level == Level.NEW:
            locked.level = Level.TRAINED
            locked.save(update_fields=["level"])
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={"level": [Level.NEW, Level.TRAINED], "course": "completed"},
            )
    return complete


def do_set_level(
    *, volunteer: Volunteer, level: str, actor: Principal | None, reason: str = ""
) -> Volunteer:
    if not has_perm(actor, Perm.MANAGE_VOLUNTEERS):
        deny(actor=actor, reason="level change without permission", target=volunteer)
    if level not in Level.values:
        raise VolunteerError(VolunteerErrorCode.INVALID_CHOICE, _("Choose a level."), "level")
    reason = clean_text(reason, limit=1000, field="reason")
    if level in {Level.TRUSTED, Level.TEAM_LEAD}:
        if volunteer.is_minor:
            raise VolunteerError(
                VolunteerErrorCode.MINOR,
                _("Volunteers under 18 cannot be trusted volunteers or team leads."),
            )
        if not training_complete(volunteer):
            raise VolunteerError(
                VolunteerErrorCode.TRAINING_INCOMPLETE,
                _("The volunteer has not completed the required training."),
            )
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        before = locked.level
        locked.level = level
        locked.save(update_fields=["level"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"level": [before, level]},
            reason="level changed",
            note=reason,
        )
    return locked


def _change_status(
    *, volunteer: Volunteer, status: str, actor: Principal | None, reason: str, revoke_keys: bool
) -> Volunteer:
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
        check(VOLUNTEER, locked.status, status)
        before = locked.status
        now = timezone.now()
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        # The account is what every session and key checks on each request: access ends now.
        locked.user.is_active = status == VolunteerStatus.ACTIVE
        locked.user.save(update_fields=["is_active"])
        withdrawn = 0
        if status != VolunteerStatus.ACTIVE:
            withdrawn = Assignment.objects.filter(
                volunteer=locked, status=AssignmentStatus.ACCEPTED
            ).update(status=AssignmentStatus.WITHDRAWN)
        if revoke_keys:
            VolunteerKey.objects.filter(volunteer=locked, revoked_at__isnull=True).update(
                revoked_at=now
            )
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=locked,
            changes={"status": [before, status], "withdrawn_assignments": withdrawn},
            reason="volunteer status changed",
            note=reason,
        )
    return locked


def do_suspend(*, volunteer: Volunteer, actor: Principal | None, reason: str) -> Volunteer:
    if not has_perm(actor, Perm.MANAGE_VOLUNTEERS):
        deny(actor=actor, reason="suspension without permission", target=volunteer)
    reason = clean_text(reason, limit=1000, field="reason", required=True)
    return _change_status(
        volunteer=volunteer,
        status=VolunteerStatus.SUSPENDED,
        actor=actor,
        reason=reason,
        revoke_keys=False,
    )


def do_reinstate(*, volunteer: Volunteer, actor: Principal | None, reason: str) -> Volunteer:
    if not has_perm(actor, Perm.MANAGE_VOLUNTEERS):
        deny(actor=actor, reason="reinstatement without permission", target=volunteer)
    reason = clean_text(reason, limit=1000, field="reason", required=True)
    return _change_status(
        volunteer=volunteer,
        status=VolunteerStatus.ACTIVE,
        actor=actor,
        reason=reason,
        revoke_keys=False,
    )


def do_offboard(*, volunteer: Volunteer, actor: Principal | None, reason: str) -> Volunteer:
    """Remove access at once (account off, keys revoked, open tasks handed back) and keep the
    record: history, hours and reports stay for certificates and statistics."""
    is_self = getattr(actor, "pk", None) == volunteer.user_id
    if not (is_self or has_perm(actor, Perm.MANAGE_VOLUNTEERS)):
        deny(actor=actor, reason="off-boarding without permission", target=volunteer)
    reason = clean_text(reason, limit=1000, field="reason", required=not is_self)
    return _change_status(
        volunteer=volunteer,
        status=VolunteerStatus.OFFBOARDED,
        actor=actor,
        reason=reason or "left at own request",
        revoke_keys=True,
    )


def do_set_leaderboard_opt_out(
    *, volunteer: Volunteer, opt_out: bool, actor: Principal | None
) -> Volunteer:
    _own(volunteer, actor, "settings of another volunteer")
    with transaction.atomic():
        if volunteer.leaderboard_opt_out != opt_out:
            volunteer.leaderboard_opt_out = opt_out
            volunteer.save(update_fields=["leaderboard_opt_out"])
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=volunteer,
                changes={"leaderboard_opt_out": opt_out},
            )
    return volunteer


def do_create_key(
    *, volunteer: Volunteer, name: str, actor: Principal | None
) -> tuple[VolunteerKey, str]:
    """The raw key is returned once and never stored."""
    _own(volunteer, actor, "key for another volunteer")
    name = clean_text(name, limit=100, field="name", required=True)
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = VolunteerKey.objects.create(
            volunteer=volunteer, name=name, prefix=prefix, key_hash=hash_token(raw)
        )
        record_change(actor=actor, action=AuditAction.CREATE, target=key, changes={"name": name})
    return key, raw


def do_revoke_key(*, key: VolunteerKey, actor: Principal | None) -> VolunteerKey:
    _own(key.volunteer, actor, "revoking another volunteer's key")
    with transaction.atomic():
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            record_change(actor=actor, action=AuditAction.REVOKE, target=key)
    return key


def authenticate_key(raw: str) -> Volunteer | None:
    """The active volunteer this key belongs to, or None. A known key of a suspended or
    off-boarded volunteer, or a revoked key, is refused and the attempt audited."""
    if not raw or len(raw) > 200 or not raw.startswith(f"{KEY_PREFIX}_"):
        return None
    key = (
        VolunteerKey.objects.select_related("volunteer__user")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if key is None:
        return None
    volunteer = key.volunteer
    if key.revoked_at is not None or not volunteer.is_active or not volunteer.user.is_active:
        from copnet.audit.choices import AuditAction as A
        from copnet.audit.services import record

        record(
            actor=None,
            action=A.DENIED,
            target=key,
            reason=f"volunteer key refused (volunteer {volunteer.status}, "
            f"key {'revoked' if key.revoked_at else 'active'})",
        )
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        VolunteerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    touch(volunteer)
    return volunteer
