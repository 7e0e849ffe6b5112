from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalKind(models.TextChoices):
    PDQ = "pdq", "PDQ"
    MD5 = "md5", "MD5"
    SHA256 = "sha256", "SHA-256"
    # A video's frame hashes (one PDQ a second): BankEntry.vpdq holds the frames.
    VPDQ = "vpdq", "vPDQ"


class BankKind(models.TextChoices):
    KNOWN_ABUSE = "known_abuse", _("Known child sexual abuse material")
    OTHER_HARM = "other_harm", _("Other harmful images")
    # Known benign images that collide with banked ones (memes, logos): a match here cancels
    # the matches of the same item in every other bank.
    ALLOW = "allow", _("Allow list (known benign images)")


class UrlPatternKind(models.TextChoices):
    HOST = "host", _("Host and its subdomains")
    PREFIX = "prefix", _("Address prefix")
    EXACT = "exact", _("Exact address")


class HitKind(models.TextChoices):
    HASH = "hash", _("Image hash")
    URL = "url", _("Address list")
    TEXT = "text", _("Text classifier")
    VIDEO = "video", _("Video hash")


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Entries added")
    BANK_ON = "bank_on", _("Bank or list switched on")
    BANK_OFF = "bank_off", _("Bank or list switched off")
    ENTRY = "entry", _("Entry switched on or off")
    THRESHOLD = "threshold", _("Bank threshold changed")
    QUARANTINE = "quarantine", _("Entry quarantined or released")


# The text classifier's score names, as people read them (detection hits, the check page).
SCORE_LABELS = {
    "offensive": _("Offensive language"),
    "hate": _("Hate speech"),
    "sexual": _("Sexual content"),
    "grooming": _("Grooming signs"),
    "self_harm": _("Self-harm"),
    "bullying": _("Bullying"),
    "scam_gambling": _("Scams and gambling"),
}
