from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager

from .choices import SCORE_LABELS, BankKind, ChangeKind, HitKind, SignalKind, UrlPatternKind


class HashBank(models.Model):
    """A named list of image hashes, e.g. a partner hotline's list or our confirmed cases."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=BankKind.choices, default=BankKind.KNOWN_ABUSE
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The PDQ distance (bits) up to which an entry of this bank matches; empty: the global
    # COPNET_PDQ_THRESHOLD. MD5 and SHA-256 are exact: PDQ is the one signal with a distance.
    pdq_threshold = models.PositiveSmallIntegerField(_("PDQ threshold"), null=True, blank=True)
    # vPDQ (videos): a banked video matches when at least `vpdq_query_pct` % of the query's
    # frames are within the PDQ threshold of one of its frames and `vpdq_target_pct` % of its
    # frames of one of the query's; empty: COPNET_VPDQ_QUERY_PCT / COPNET_VPDQ_TARGET_PCT.
    vpdq_query_pct = models.FloatField(
        _("vPDQ: share of the query found (%)"), null=True, blank=True
    )
    vpdq_target_pct = models.FloatField(
        _("vPDQ: share of the banked video found (%)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hash bank")
        verbose_name_plural = _("hash banks")

    def __str__(self) -> str:
        return self.name

    @property
    def effective_pdq_threshold(self) -> int:
        from django.conf import settings

        return settings.PDQ_THRESHOLD if self.pdq_threshold is None else self.pdq_threshold

    @property
    def effective_vpdq_query_pct(self) -> float:
        from django.conf import settings

        return settings.VPDQ_QUERY_PCT if self.vpdq_query_pct is None else self.vpdq_query_pct

    @property
    def effective_vpdq_target_pct(self) -> float:
        from django.conf import settings

        return settings.VPDQ_TARGET_PCT if self.vpdq_target_pct is None else self.vpdq_target_pct


class BankEntry(models.Model):
    """One hash in a bank. Expired entries stop matching.

    A vPDQ entry is one video: `vpdq` holds its frames as a vPDQ hash file (a line per frame,
    "frame number,quality,PDQ hex,seconds", the `vpdq` tools' format), `vpdq_frames` their
    number, and `value` the SHA-256 of that text, so a video is in a bank once."""

    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(_("signal type"), max_length=8, choices=SignalKind.choices)
    value = models.CharField(_("value"), max_length=64)
    vpdq = models.TextField(_("vPDQ frames"), blank=True)
    vpdq_frames = models.PositiveIntegerField(_("frames"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    confirmed_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed in case"),
    )
    # The detection-data generation that added it (or switched its bank back on): no default,
    # so that every write goes through `generations.begin_change`.
    generation = models.BigIntegerField(db_index=True)
    # Where an exchange's entry came from (exchanges app; the bank names the exchange): the
    # partner's own id (a retraction or withdrawal names it), the member that contributed it,
    # its classification as the partner gave it (NCMEC A1-B2, IWF A-C, UCS labels), tags, and
    # when a fetch first and last saw it. Empty for hand imports and confirmed cases.
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    contributor = models.CharField(_("contributor"), max_length=200, blank=True)
    classification = models.CharField(_("classification"), max_length=32, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    # Flood quarantine (`safety.py`): an entry that matched too many distinct items in a short
    # time stops matching until a curator releases it.
    quarantined_at = models.DateTimeField(_("quarantined"), null=True, blank=True)
    quarantine_matches = models.PositiveIntegerField(db_default=0)  # distinct items when paused
    quarantine_released_at = models.DateTimeField(null=True, blank=True)  # count restarts here

    class Meta:
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "signal_type", "value"], name="one_value_per_bank"
            )
        ]
        indexes = [
            models.Index(
                fields=["bank", "external_id"],
                name="bank_entry_external_id",
                condition=~models.Q(external_id=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value[:16]}…"


class UrlList(models.Model):
    """A named list of harmful hosts, address prefixes and exact addresses."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    category = models.ForeignKey(
        "taxonomy.HarmCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("harm category"),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("address list")
        verbose_name_plural = _("address lists")

    def __str__(self) -> str:
        return self.name


class UrlListEntry(models.Model):
    url_list = models.ForeignKey(UrlList, on_delete=models.CASCADE, related_name="entries")
    pattern = models.CharField(_("pattern"), max_length=2048)
    kind = models.CharField(_("kind"), max_length=8, choices=UrlPatternKind.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    generation = models.BigIntegerField(db_index=True)  # as BankEntry.generation

    class Meta:
        verbose_name = _("address list entry")
        verbose_name_plural = _("address list entries")

    def __str__(self) -> str:
        return self.pattern


class DetectionGeneration(models.Model):
    """The version of the detection data: one row (pk 1), read before every match.

    Every change to a hash bank or address list takes the next generation inside its own
    transaction (`generations.begin_change`), which locks this row until it commits, so
    generations are handed out in commit order. See `generations.py` for why that is enough.
    """

    generation = models.BigIntegerField(default=0)
    # The last generation that an index cannot apply by adding entries (a bank or list was
    # switched on or off): an index older than this is rebuilt.
    reload_generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.generation}"


class DetectionChange(models.Model):
    """One change to the banks and lists, by generation: what the indexes and the
    retroactive matching of past evidence work through."""

    generation = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    hashes = models.PositiveIntegerField(default=0)  # hash entries stamped with this generation
    urls = models.PositiveIntegerField(default=0)  # address entries stamped with it
    created_at = models.DateTimeField(auto_now_add=True)
    matched_at = models.DateTimeField(null=True, blank=True)  # past evidence matched against it

    class Meta:
        ordering = ["generation"]

    def __str__(self) -> str:
        return f"{self.generation} {self.kind}"


class DetectionHit(models.Model):
    """What detection found in one report's evidence, kept to explain it to the analyst."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hits")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(
        "reports.Evidence", null=True, blank=True, on_delete=models.CASCADE, related_name="hits"
    )
    kind = models.CharField(max_length=8, choices=HitKind.choices)
    bank_entry = models.ForeignKey(
        BankEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url_entry = models.ForeignKey(
        UrlListEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=200)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    spans = models.JSONField(default=list, blank=True)
    suggested_category = models.CharField(max_length=32, blank=True)
    # The allow bank whose match of the same item cancelled this one (no priority raised).
    suppressed_by = models.CharField(max_length=64, blank=True)
    # A video's match explained: {"signal_type", "query_pct", "target_pct", "usable_frames",
    # "frames": [{"query_time", "query_frame", "target_time", "target_frame", "distance"}]}
    # (target_* -1 when the frame matched an image entry).
    video = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_hit_per_key")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"

    @property
    def label_display(self) -> str:
        """A text hit's label is a classifier score name ("grooming"): shown translated."""
        if self.kind == HitKind.TEXT and self.label in SCORE_LABELS:
            return str(SCORE_LABELS[self.label])
        return self.label

    def scores_display(self) -> list[tuple[str, float]]:
        return [(str(SCORE_LABELS.get(name, name)), score) for name, score in self.scores.items()]
