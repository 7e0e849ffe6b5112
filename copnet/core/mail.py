"""Every e-mail COPNet sends goes through here: queued in the caller's transaction, sent by a
task after commit, marked sent once, retried when the mail server fails. Nothing is sent inside
a web request, and a failure is never silent (`OutgoingEmail.last_error`, health, the task log).

    queue_email(key="volunteers.guardian:12", to=[address], subject=…, body=…)

`key` says what the e-mail is about; the same key queued twice is one e-mail (a retried
service call or task does not write twice). Sending claims the row with a conditional UPDATE,
so two workers never send one e-mail at once; a worker dying between the mail server's "OK"
and the mark sends it again after EMAIL_CLAIM_S (at least once, never silently lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail
from .tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # waits of 1, 2, 4 … 64 minutes, then 2 hours: about 4 hours in all
EMAIL_CLAIM_S = 300  # an attempt not finished by then is taken as failed
EMAIL_KEEP_DAYS = 30


class EmailNotSent(RuntimeError):
    pass


def queue_email(*, key: str, to: Iterable[str], subject: str, body: str) -> OutgoingEmail | None:
    """Queue one e-mail (None when there is nobody to write to). Call it inside the
    transaction of the change it reports: if that rolls back, nothing is sent."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(
            key=key[:200],
            defaults={
                "recipients": recipients,
                "subject": " ".join(subject.split()),  # no header injection through a line break
                "body": body,
                "next_attempt_at": timezone.now() + dt.timedelta(seconds=settings.RECOVERY_GRACE_S),
            },
        )
        if created:
            enqueue_on_commit(send_email_task, email.pk)
    return email


def _claim(email_id: int, *, first: bool) -> bool:
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(attempts=0) if first else Q(next_attempt_at__lte=now)
    return (
        OutgoingEmail.objects.filter(due, pk=email_id, sent_at__isnull=True)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + dt.timedelta(seconds=EMAIL_CLAIM_S),
        )
        == 1
    )


def _wait(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 120))


def send_queued_email(email_id: int, *, first: bool = True) -> bool:
    """Send one queued e-mail if it is still due; True when it went out now. A failure is
    recorded (with the next attempt's time) and raised as EmailNotSent."""
    if not _claim(email_id, first=first):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, email.recipients)
    except Exception as exc:  # the mail server's answer, whatever its type: retried
        error = f"{type(exc).__name__}: {exc}"[:300]
        OutgoingEmail.objects.filter(pk=email_id, sent_at__isnull=True).update(
            last_error=error, next_attempt_at=timezone.now() + _wait(email.attempts)
        )
        logger.warning("e-mail %s not sent (attempt %s): %s", email.key, email.attempts, error)
        raise EmailNotSent(f"{email.key}: {error}") from exc
    OutgoingEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), recipients=[], body="", last_error=""
    )
    return True


def retry_due_emails(limit: int = 200) -> int:
    """The recovery sweep: e-mails whose task was lost or whose last attempt failed, once their
    wait has passed. Returns how many went out; raises if any failed again."""
    due = list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    for pk in due:
        try:
            sent += send_queued_email(pk, first=False)
        except EmailNotSent:
            failed += 1
    if failed:
        raise EmailNotSent(f"{failed} e-mails not sent; they are tried again later")
    return sent


def undeliverable_count() -> int:
    """E-mails that gave up after MAX_ATTEMPTS."""
    return OutgoingEmail.objects.filter(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS).count()


def purge_old_emails(*, now: dt.datetime | None = None) -> int:
    """Rows older than EMAIL_KEEP_DAYS, sent or given up (their addresses with them)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=EMAIL_KEEP_DAYS)
    stale = OutgoingEmail.objects.filter(created_at__lt=cutoff).filter(
        Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS)
    )
    return stale.delete()[0]


@task(queue_name="notifications")
def send_email_task(email_id: int) -> bool:
    """One queued e-mail; a failure is recorded and retried by the recovery sweep."""
    return send_queued_email(email_id)
