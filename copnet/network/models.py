from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.i18n import Bilingual

from .choices import NetworkRole, OrganisationKind, ProvincialService


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date | None = None) -> ValidityQuerySet:
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Organisation(models.Model):
    """A body that takes part in the Network, or a parent ministry of one.

    Bodies are never deleted: one that is merged or renamed gets `active_to` and a successor,
    so that past memberships, cases and statistics keep pointing at the body of their time.
    """

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short, stable abbreviation used in the API and the CLI, e.g. VNCERT or A05."),
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=40)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent ministry or body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    # A provincial body (the police cyber unit, the department of education, …) serves one
    # province; routing rules reach it as "the unit of this kind in the case's province".
    province = models.CharField(_("province served"), max_length=8, blank=True, db_index=True)
    provincial_service = models.CharField(
        _("provincial service"),
        max_length=32,
        blank=True,
        choices=ProvincialService.choices,
        help_text=_("For a provincial body: which kind of unit it is in its province."),
    )
    to_verify = models.BooleanField(
        _("still to verify"),
        default=False,
        help_text=_("Its name or existence is not confirmed by an official source yet."),
    )
    verify_note = models.TextField(_("what to verify (staff only)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="organisation_active_period_ordered",
                violation_error_message=_("The end of the active period is before its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.name}"

    name = Bilingual()
    description = Bilingual()

    def is_active_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )


class Succession(models.Model):
    """Some or all functions of a body that ended went to another body on a date.

    A body split in several has one row per body that took a share of its functions;
    `Organisation.successor` names the main one."""

    predecessor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("body that ended"),
    )
    successor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="took_over",
        verbose_name=_("body that took the functions over"),
    )
    effective = models.DateField(_("effective from"), null=True, blank=True)
    functions_vi = models.TextField(_("functions taken over (Vietnamese)"), blank=True)
    functions_en = models.TextField(_("functions taken over (English)"), blank=True)
    basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    to_verify = models.BooleanField(
        _("still to verify"),
        default=False,
        help_text=_("Shown to staff only while it is not confirmed."),
    )
    verify_note = models.TextField(_("what to verify (staff only)"), blank=True)

    class Meta:
        ordering = ["predecessor__code", "successor__code"]
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="one_succession_per_pair",
                violation_error_message=_("This succession is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="succession_not_to_itself",
                violation_error_message=_("An organisation cannot point to itself."),
            ),
        ]

    functions = Bilingual()

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code}"


class ContactPoint(models.Model):
    """A person or desk to contact at an organisation (personal data: shown to staff only)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    label = models.CharField(_("name or desk"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-is_primary", "label"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return f"{self.label} ({self.organisation.code})"


class Membership(models.Model):
    """An organisation's place in the Network for a period, with the role the regulation gives."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role in the Network"), max_length=32, choices=NetworkRole.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(
        _("legal basis"),
        max_length=255,
        blank=True,
        help_text=_("The decision or regulation that gives this membership."),
    )
    note_vi = models.TextField(_("note (Vietnamese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    to_verify = models.BooleanField(
        _("still to verify"),
        default=False,
        help_text=_(
            "Not confirmed by an official source yet: shown to staff only, never on public pages."
        ),
    )
    verify_note = models.TextField(
        _("what to verify (staff only)"),
        blank=True,
        help_text=_("What is not confirmed and where to look. Never shown on public pages."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__code", "valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
                violation_error_message=_("The end of the period is before its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code}: {self.get_role_display()}"

    note = Bilingual()


class Duty(models.Model):
    """A duty under the regulation: of one membership, or of every member when none is set."""

    membership = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
        verbose_name=_("membership"),
        help_text=_("Leave empty for a general duty of every member."),
    )
    key = models.SlugField(
        _("key"),
        max_length=64,
        help_text=_("Stable identifier used by the reference-data loader."),
    )
    text_vi = models.TextField(_("duty (Vietnamese)"))
    text_en = models.TextField(_("duty (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["membership", "key"], name="duty_key_per_membership"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(membership__isnull=True), name="general_duty_key"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    text = Bilingual()
