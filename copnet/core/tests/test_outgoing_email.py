"""Every e-mail goes through core.mail: queued with the change, sent after commit by a task,
marked sent once, retried when the mail server fails, never sent inside a request."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from copnet.core.mail import (
    MAX_ATTEMPTS,
    EmailNotSent,
    purge_old_emails,
    queue_email,
    retry_due_emails,
    send_queued_email,
)
from copnet.core.models import OutgoingEmail
from copnet.core.recovery import sweeps


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is: connection refused


@pytest.fixture
def smtp_down(settings):
    """A real SMTP connection to a local port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    return settings


def _queue(key: str = "test.thing:1", to: tuple[str, ...] = ("an@example.vn",)) -> None:
    queue_email(key=key, to=list(to), subject="Chào bạn", body="Nội dung: http://x/y/")


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_after_commit_once_and_then_forgets_its_content(immediate_tasks):
    with transaction.atomic():
        _queue()
        assert mail.outbox == []  # nothing leaves before the change is committed
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["an@example.vn"], "Chào bạn", "Nội dung: http://x/y/")
    ]
    row = OutgoingEmail.objects.get()
    assert row.sent_at is not None
    assert row.attempts == 1
    assert (row.recipients, row.body) == ([], "")  # a one-time link does not stay in the table

    _queue()  # a retried service call or task: the key says it is the same e-mail
    assert len(mail.outbox) == 1
    assert send_queued_email(row.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(immediate_tasks):
    def failing_service() -> None:
        with transaction.atomic():
            _queue()
            raise RuntimeError("the service failed after queueing")

    with pytest.raises(RuntimeError):
        failing_service()
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_nobody_to_write_to_queues_nothing_and_line_breaks_cannot_add_headers():
    assert queue_email(key="k:0", to=["", "  "], subject="s", body="b") is None
    email = queue_email(
        key="k:1", to=["b@x.vn", "a@x.vn", "a@x.vn"], subject="A\r\nBcc: z@e", body=""
    )
    assert email is not None
    assert (email.recipients, email.subject) == (["a@x.vn", "b@x.vn"], "A Bcc: z@e")


@pytest.mark.django_db
def test_recipients_subject_and_body_are_encrypted_at_rest():
    from django.db import connection

    _queue(to=("bimat@example.vn",))
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipients, subject, body FROM core_outgoingemail")
        stored = " ".join(cursor.fetchone())
    assert [word for word in ("bimat", "Chào", "Nội dung") if word in stored] == []


@pytest.mark.django_db
def test_a_failing_mail_server_is_recorded_and_retried_after_a_wait(smtp_down, settings):
    _queue()
    row = OutgoingEmail.objects.get()
    with pytest.raises(EmailNotSent):
        send_queued_email(row.pk)
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert row.recipients == ["an@example.vn"]  # kept for the retry

    assert retry_due_emails() == 0  # not yet: the wait has not passed
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_due_emails() == 1
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (2, "")
    assert row.sent_at is not None


@pytest.mark.django_db
def test_retries_stop_after_the_last_attempt(smtp_down):
    _queue()
    for _ in range(MAX_ATTEMPTS):
        OutgoingEmail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
        with pytest.raises(EmailNotSent):
            retry_due_emails()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert retry_due_emails() == 0
    assert OutgoingEmail.objects.get().attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_an_email_whose_task_was_lost_is_sent_by_the_recovery_sweep(settings):
    _queue()  # the database task backend: no worker runs the task here
    sweep = dict(sweeps())["unsent_emails"]
    assert sweep() == 0  # within the grace period the task may still come
    OutgoingEmail.objects.update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=settings.RECOVERY_GRACE_S)
    )
    assert sweep() == 1
    assert sweep() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_old_rows_are_purged_with_their_addresses(immediate_tasks):
    _queue(key="sent:1")
    send_queued_email(OutgoingEmail.objects.get().pk)
    _queue(key="unsent:1")
    later = timezone.now() + dt.timedelta(days=31)
    assert purge_old_emails(now=later) == 1  # an unsent e-mail still being retried stays
    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == ["unsent:1"]


@pytest.mark.django_db
def test_a_web_request_never_sends_mail_itself(client, reference_data):
    """The vendor sign-up answers before any e-mail is sent: the task sends it."""
    from copnet.evaluations.tests.test_vendor_signup import FORM

    response = client.post("/ecosystem/vendors/register/", FORM)
    assert response.status_code == 302
    assert mail.outbox == []
    assert OutgoingEmail.objects.filter(key__startswith="evaluations.vendor_sign_up:").count() == 1


def test_no_code_sends_mail_around_core_mail():
    """Only core.mail sends; cases (assignment mail with its own mark and recovery sweep) and
    takedowns (the notice to a platform, a delivery with retries of its own) are the two
    deliberate exceptions. Nothing hides a failure with fail_silently."""
    root = Path(__file__).resolve().parents[2]
    allowed = {"core/mail.py", "cases/notifications.py", "takedowns/services/delivery.py"}
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in f"/{relative}" or "migrations" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        if "fail_silently" in text:
            offenders.append(f"{relative}: fail_silently")
        if relative not in allowed and any(
            name in text for name in ("send_mail(", "EmailMessage(", "EmailMultiAlternatives(")
        ):
            offenders.append(f"{relative}: sends mail")
    assert offenders == []
