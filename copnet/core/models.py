from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ProcessKind, RecoveryReason
from .crypto import EncryptedJSONField, EncryptedTextField


class WorkerHeartbeat(models.Model):
    """A running task worker or scheduler. It refreshes `seen_at` every few seconds from a thread
    of its own and deletes its row when it stops cleanly; a row that stops moving belongs to a
    process that died (see core.workers)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProcessKind.choices)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        ordering = ["kind", "-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name


class TaskRecovery(models.Model):
    """A task taken back from a worker that died (or ran too long): marked failed, then enqueued
    again as `replacement_id` unless the same task and arguments were recovered too often.
    `task_id` is unique, so two recovering processes never replace one task twice."""

    task_id = models.CharField(_("task"), max_length=64, unique=True)
    task_path = models.CharField(_("task path"), max_length=255)
    digest = models.CharField(_("task and arguments (SHA-256)"), max_length=64, db_index=True)
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=RecoveryReason.choices)
    replacement_id = models.CharField(_("replaced by"), max_length=64, blank=True)
    at = models.DateTimeField(_("recovered"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("recovered task")
        verbose_name_plural = _("recovered tasks")

    def __str__(self) -> str:
        return f"{self.task_path} {self.task_id}"


class OutgoingEmail(models.Model):
    """An e-mail to send, written in the same transaction as the change it tells about and sent
    by a task after commit (`core.mail`). `key` names what it is about ("volunteers.guardian:12"),
    so queueing it again adds nothing; `sent_at` is the "notified" mark. Failed attempts are
    retried with growing waits by the recovery sweep. Once sent, recipients and body are erased
    (they may carry a one-time link); the row itself goes after EMAIL_KEEP_DAYS."""

    key = models.CharField(_("e-mail key"), max_length=200, unique=True)
    recipients = EncryptedJSONField(_("recipients"), default=list)
    subject = EncryptedTextField(_("subject"))
    body = EncryptedTextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="core_email_unsent_due",
            )
        ]

    def __str__(self) -> str:
        return self.key
