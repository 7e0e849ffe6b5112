from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.i18n import Bilingual, localised
from copnet.education.markdown import render_markdown

from .choices import ActivityKind, LinkTarget, MaterialKind, SurveyPhase


class Campaign(models.Model):
    """An awareness campaign of a Network member (with partners): its plan, and everything
    needed to measure its reach without tracking anyone."""

    code = models.SlugField(_("code (in its web address)"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organising member"),
    )
    partners = models.ManyToManyField(
        "network.Organisation",
        blank=True,
        related_name="partner_campaigns",
        verbose_name=_("partner organisations"),
    )
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    goal_vi = models.TextField(_("goal (Vietnamese)"))
    goal_en = models.TextField(_("goal (English)"), blank=True)
    message_vi = models.TextField(_("public page text (Vietnamese, Markdown)"), blank=True)
    message_en = models.TextField(_("public page text (English, Markdown)"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    courses = models.ManyToManyField(
        "education.Course", blank=True, related_name="campaigns", verbose_name=_("courses")
    )
    is_public = models.BooleanField(_("public page online"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_in_order",
                violation_error_message=_("A campaign cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    title = Bilingual()
    goal = Bilingual()

    @property
    def message_html(self) -> str:
        return render_markdown(localised(self.message_vi, self.message_en))


class Material(models.Model):
    """A poster, leaflet, video or guide of the materials library (an uploaded file or a link)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="materials", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    language = models.CharField(_("language"), max_length=4, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to="campaign-materials/", blank=True)
    mime = models.CharField(max_length=40, blank=True)
    link = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """An activity or event of a campaign, with its attendance (numbers, never names)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="activities", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    province = models.CharField(_("province"), max_length=8, blank=True)
    place = models.CharField(_("place"), max_length=160, blank=True)
    children_attending = models.PositiveIntegerField(_("children attending"), default=0)
    adults_attending = models.PositiveIntegerField(_("adults attending"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["campaign", "held_on"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    @property
    def attendance(self) -> int:
        return self.children_attending + self.adults_attending


class TrackedLink(models.Model):
    """A short link (also printed as a QR code) that counts visits: a number per day, nothing
    about the visitor."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="links", verbose_name=_("campaign")
    )
    code = models.CharField(_("short code"), max_length=12, unique=True)
    label = models.CharField(_("where it is used"), max_length=120)
    target = models.CharField(_("leads to"), max_length=16, choices=LinkTarget.choices)
    course = models.ForeignKey(
        "education.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course"),
    )
    visits = models.PositiveIntegerField(_("visits"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "label"]
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")

    def __str__(self) -> str:
        return self.label


class LinkDay(models.Model):
    """Visits of one tracked link on one day (counts only)."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["link", "day"]
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="linkday_unique")]

    def __str__(self) -> str:
        return f"{self.link_id}@{self.day}"


class SurveyQuestion(models.Model):
    """A statement rated 1 (not at all) to 5 (completely), asked before and after the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    prompt_vi = models.CharField(_("statement (Vietnamese)"), max_length=300)
    prompt_en = models.CharField(_("statement (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.prompt

    prompt = Bilingual()


class SurveyResponse(models.Model):
    """One anonymous answer sheet: {question id: 1..5}. No identity, no time of day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    phase = models.CharField(_("when"), max_length=8, choices=SurveyPhase.choices)
    answers = models.JSONField(default=dict)
    submitted_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.phase}"
