"""Young people's own fingerprints, shared abroad with their consent.

On the self-hash page (`reports.self_hash`) a young person may tick "also share with partners
abroad". The consent (time and wording) is stored with their submission, and `queue` (plugged
into `reports.self_hash.SHARING` by `apps.py`, called in the submission's transaction) makes
one `HashSubmission` per active exchange that accepts submissions (StopNCII: only pictures'
PDQ hashes) and enqueues its sending after commit. `send_submission_now` claims it with a
conditional UPDATE, sends, and on failure schedules the next try with a doubling backoff;
the periodic `send_due_submissions` picks up what is due, including rows whose enqueue was
lost. Queued, sent and withdrawn are audited. A withdrawal cancels what is not sent yet;
what a partner already holds is withdrawn with the partner (StopNCII has no API for it).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.tasks import enqueue_on_commit
from copnet.reports.models import SelfHashSubmission

from .choices import SubmissionStatus
from .errors import ExchangeError
from .models import Exchange, HashSubmission
from .protocols import adapter_for
from .retries import next_attempt
from .services import SUBMITTING_KINDS

SHARED_TYPES = ("pdq",)  # what a partner takes from a picture (StopNCII: ImagePDQ)
SEND_LEASE = dt.timedelta(minutes=10)
OPEN = (SubmissionStatus.QUEUED, SubmissionStatus.FAILED)


def do_queue_submission(submission_id: int) -> list[HashSubmission]:
    """Queue a consented submission for every exchange that accepts submissions; asking
    again changes nothing. Nothing without consent, after withdrawal, or without a PDQ."""
    submission = SelfHashSubmission.objects.filter(pk=submission_id).first()
    if submission is None or submission.share_consent_at is None or submission.withdrawn_at:
        return []
    values = sorted(
        [kind, value]
        for kind, value in submission.values.values_list("signal_type", "value")
        if kind in SHARED_TYPES
    )
    if not values:
        return []
    queued = []
    for exchange in Exchange.objects.filter(
        is_active=True, accepts_submissions=True, kind__in=SUBMITTING_KINDS
    ):
        row, created = HashSubmission.objects.get_or_create(
            exchange=exchange, submission=submission, defaults={"values": values}
        )
        if created:
            queued.append(row)
            record(
                actor=None,
                action=AuditAction.CREATE,
                target=row,
                reason="self-hash submission queued",
                changes={
                    "exchange": exchange.name,
                    "hashes": len(values),
                    "consent": submission.share_consent_wording,
                },
            )
            enqueue_on_commit("copnet.exchanges.tasks.send_submission", row.pk)
    return queued


def do_cancel_submissions(submission_id: int) -> int:
    """The young person withdrew: what is not sent yet is never sent. Returns how many."""
    cancelled = 0
    for row in HashSubmission.objects.filter(submission_id=submission_id, status__in=OPEN):
        if HashSubmission.objects.filter(pk=row.pk, status__in=OPEN).update(
            status=SubmissionStatus.CANCELLED, next_attempt_at=None
        ):
            cancelled += 1
            record(
                actor=None,
                action=AuditAction.UPDATE,
                target=row,
                reason="self-hash submission withdrawn",
                changes={"status": SubmissionStatus.CANCELLED},
            )
    return cancelled


class SubmissionQueue:
    """The writer `reports.self_hash.SHARING` calls, in the submission's transaction."""

    def queue(self, submission_id: int) -> None:
        do_queue_submission(submission_id)

    def withdraw(self, submission_id: int) -> None:
        do_cancel_submissions(submission_id)


def _claim(row_id: int, now: dt.datetime) -> bool:
    return bool(
        HashSubmission.objects.filter(pk=row_id, status__in=OPEN)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
    )


def send_submission_now(row_id: int) -> str:
    """Send one submission if it is due; returns its status afterwards ("" when not claimed).
    A submission withdrawn meanwhile is cancelled, not sent."""
    now = timezone.now()
    if not _claim(row_id, now):
        return ""
    row = HashSubmission.objects.select_related("exchange", "submission").get(pk=row_id)
    if row.submission.withdrawn_at is not None:
        HashSubmission.objects.filter(pk=row.pk).update(
            status=SubmissionStatus.CANCELLED, next_attempt_at=None
        )
        return SubmissionStatus.CANCELLED
    adapter = adapter_for(row.exchange)
    try:
        sent = adapter.submit_hashes(  # type: ignore[attr-defined]
            values=[(str(kind), str(value)) for kind, value in row.values],
            tags=["copnet-self-reported", f"copnet:{row.submission.category}"],
        )
    except ExchangeError as error:
        retry_at = next_attempt(row.attempts)
        gave_up = retry_at is None
        HashSubmission.objects.filter(pk=row.pk).update(
            status=SubmissionStatus.GAVE_UP if gave_up else SubmissionStatus.FAILED,
            last_error=str(error.message)[:500],
            next_attempt_at=retry_at,
        )
        return SubmissionStatus.GAVE_UP if gave_up else SubmissionStatus.FAILED
    HashSubmission.objects.filter(pk=row.pk).update(
        status=SubmissionStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    record(
        actor=None,
        action=AuditAction.EXPORT,
        target=row,
        reason="self-hash submission sent",
        changes={"exchange": row.exchange.name, "attempts": row.attempts, **sent},
    )
    return SubmissionStatus.SENT


def send_due_submissions() -> int:
    """Every submission due (new, or failed and past its backoff); returns how many were sent."""
    now = timezone.now()
    due = HashSubmission.objects.filter(status__in=OPEN).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return sum(
        send_submission_now(pk) == SubmissionStatus.SENT
        for pk in due.values_list("pk", flat=True)[:500]
    )
