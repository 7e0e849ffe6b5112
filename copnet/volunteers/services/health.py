"""Recognition and health: inactivity reminders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email

from ..choices import VolunteerStatus
from ..models import Volunteer


def send_inactivity_reminders(*, days: int | None = None) -> int:
    """E-mail active volunteers who have done nothing for `days` days, at most once per period.
    Safe to run again."""
    days = days or settings.VOLUNTEER_INACTIVE_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    due = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE, last_active_at__lt=cutoff).filter(
        Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=cutoff)
    )
    sent = 0
    today = timezone.localdate().isoformat()
    for volunteer in due.select_related("user"):
        user = volunteer.user
        with transaction.atomic():
            claimed = (
                Volunteer.objects.filter(pk=volunteer.pk)
                .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=cutoff))
                .update(last_reminded_at=timezone.now())
            )
            if not claimed:
                continue
            with translation.override(user.language or "vi"):
                queue_email(
                    key=f"volunteers.reminder:{volunteer.pk}:{today}",
                    to=[user.email],
                    subject=_("Tasks are waiting for you"),
                    body=_(
                        "We have missed you in the volunteer network. New tasks may be waiting "
                        "for you in your province:\n\n%(link)s\n\nIf you no longer wish to "
                        "volunteer, you can leave the network from your settings page."
                    )
                    % {"link": absolute_reverse("volunteers:home")},
                )
        sent += 1
    return sent
