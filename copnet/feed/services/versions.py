"""Publishing pending additions and withdrawals as the next feed version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from ..models import FeedEntry, FeedVersion

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def pending_changes() -> tuple[int, int]:
    adds = FeedEntry.objects.filter(added_in_version__isnull=True, withdrawn_at__isnull=True)
    withdrawals = FeedEntry.objects.filter(
        withdrawn_at__isnull=False,
        withdrawn_in_version__isnull=True,
        added_in_version__isnull=False,
    )
    return adds.count(), withdrawals.count()


def do_publish(*, actor: Principal | None) -> FeedVersion | None:
    """Publish pending additions and withdrawals as the next version (None if nothing changed).
    Entries whose review date has passed are withdrawn first ("expired")."""
    today = timezone.localdate()
    with transaction.atomic():
        expired = FeedEntry.objects.filter(withdrawn_at__isnull=True, review_on__lt=today).update(
            withdrawn_at=timezone.now(), withdrawn_reason="review date passed"
        )
        adds, withdrawals = pending_changes()
        if not adds and not withdrawals:
            return None
        number = (FeedVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = FeedVersion.objects.create(
            number=number,
            published_by=actor if isinstance(actor, User) else None,
        )
        version.added = FeedEntry.objects.filter(
            added_in_version__isnull=True, withdrawn_at__isnull=True
        ).update(added_in_version=number)
        version.withdrawn = FeedEntry.objects.filter(
            withdrawn_at__isnull=False,
            withdrawn_in_version__isnull=True,
            added_in_version__isnull=False,
        ).update(withdrawn_in_version=number)
        # Withdrawn before ever being published: mark them so they never count as pending.
        FeedEntry.objects.filter(withdrawn_at__isnull=False, added_in_version__isnull=True).update(
            added_in_version=0, withdrawn_in_version=0
        )
        version.save(update_fields=["added", "withdrawn"])
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=version,
            changes={"added": version.added, "withdrawn": version.withdrawn, "expired": expired},
        )
    return version
