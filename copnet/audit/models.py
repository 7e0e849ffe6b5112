from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.crypto import EncryptedTextField

from .choices import AuditAction


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    # The lower-level paths Django's own machinery takes (deletion collector, update_or_create).
    def _update(self, values: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def _erase(self, **values: Any) -> int:
        """The one sanctioned change: blank personal values (see audit.services
        `erase_personal_values`); every other column and the row itself stay."""
        allowed = {"note", "ip", "user_agent", "actor_label", "target_repr"}
        if not values or set(values) - allowed:
            raise AppendOnlyError("Only personal values of audit events can be erased.")
        return models.QuerySet.update(self, **values)


class AuditEvent(models.Model):
    """One thing someone did or looked at. Rows are only ever added.

    The actor's e-mail and organisation are copied into the row, so the trail stays readable
    after an account is renamed or deactivated. An account that acted can never be deleted (the
    foreign key protects it, in the ORM and in the database); it is deactivated instead.

    No personal value is stored in clear: `reason` is fixed wording written by the code,
    what a person typed goes to the encrypted `note`, personal fields appear in `changes` only
    as keyed fingerprints, and the IP address and browser are kept for signed-in people and
    API keys only. The retention purge may blank `note`, `ip`, `user_agent` (and pseudonymise
    a departed volunteer's label) through `erase_personal_values`; nothing else ever changes.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=255)
    actor_org = models.CharField(_("actor's organisation"), max_length=32, blank=True)
    api_key_id = models.BigIntegerField(_("API key"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    target_type = models.CharField(_("record type"), max_length=100, db_index=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or client"), max_length=255, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        base_manager_name = "objects"  # Django's internals get the append-only queryset too
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")
