from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.i18n import Bilingual
from copnet.network.models import Organisation

from .choices import CategoryFamily, Severity, SupportingSees


class HarmCategory(models.Model):
    """A kind of online harm to children, with who handles it and how fast (data, not code)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    help_vi = models.TextField(_("child-friendly description (Vietnamese)"))
    help_en = models.TextField(_("child-friendly description (English)"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    # Reports join an open case at intake only within one family (cases.joining); empty: the
    # category is a family of its own.
    family = models.CharField(
        _("family"), max_length=32, choices=CategoryFamily.choices, blank=True
    )
    default_lead = models.ForeignKey(
        Organisation,
        verbose_name=_("default lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_supporting = models.ManyToManyField(
        Organisation,
        verbose_name=_("default supporting organisations"),
        blank=True,
        related_name="+",
    )
    supporting_sees = models.CharField(
        _("supporting organisations see"),
        max_length=16,
        choices=SupportingSees.choices,
        default=SupportingSees.SUMMARY,
        help_text=_("Need to know: what a supporting body of such a case may open."),
    )
    ack_hours = models.PositiveIntegerField(_("acknowledge within (hours)"), default=24)
    action_hours = models.PositiveIntegerField(_("act within (hours)"), default=48)
    close_days = models.PositiveIntegerField(_("close within (days)"), default=30)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    courses = models.ManyToManyField(
        "education.Course",
        verbose_name=_("courses to learn more"),
        blank=True,
        related_name="+",
        help_text=_(
            "Shown beside the category's help, for children and parents who want to learn more."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to reporters"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("harm category")
        verbose_name_plural = _("harm categories")

    def __str__(self) -> str:
        return self.name

    @property
    def family_key(self) -> str:
        """What joining compares: the family, or the code for a category without one."""
        return self.family or f"code:{self.code}"

    name = Bilingual()
    help = Bilingual()


class HarmGuidance(models.Model):
    """What a reporter (often a child) should do, and not do, for one kind of harm, and what
    happens next: shown on the report form, the thanks page and the status page. Reference
    data (`reference/guidance.json`), edited by content editors in the admin site (audited).
    The "other" category's guidance stands in for categories without their own."""

    category = models.OneToOneField(
        HarmCategory,
        on_delete=models.CASCADE,
        related_name="guidance",
        verbose_name=_("harm category"),
    )
    do_now_vi = models.TextField(_("what to do now (Vietnamese, one item a line)"))
    do_now_en = models.TextField(_("what to do now (English, one item a line)"), blank=True)
    dont_vi = models.TextField(_("what not to do (Vietnamese, one item a line)"))
    dont_en = models.TextField(_("what not to do (English, one item a line)"), blank=True)
    next_vi = models.TextField(_("what happens next (Vietnamese)"))
    next_en = models.TextField(_("what happens next (English)"), blank=True)
    who_sees_vi = models.TextField(_("who sees the report (Vietnamese)"))
    who_sees_en = models.TextField(_("who sees the report (English)"), blank=True)
    call_when_vi = models.TextField(_("when to call 111 or 113 (Vietnamese)"))
    call_when_en = models.TextField(_("when to call 111 or 113 (English)"), blank=True)
    course = models.ForeignKey(
        "education.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course to learn more"),
    )
    lesson_order = models.PositiveSmallIntegerField(
        _("lesson (its place in the course, from 0)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)

    class Meta:
        ordering = ["category__order"]
        verbose_name = _("advice for reporters")
        verbose_name_plural = _("advice for reporters")

    def __str__(self) -> str:
        return str(self.category)

    do_now = Bilingual()
    dont = Bilingual()
    next = Bilingual()
    who_sees = Bilingual()
    call_when = Bilingual()

    @property
    def do_now_items(self) -> list[str]:
        return [line.strip() for line in self.do_now.splitlines() if line.strip()]

    @property
    def dont_items(self) -> list[str]:
        return [line.strip() for line in self.dont.splitlines() if line.strip()]
