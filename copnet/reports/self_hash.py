"""Fingerprints of a young person's own pictures, computed on their device (issue 18 item 4).

The page `/report/self-hash/` hashes the chosen pictures in the browser
(`static/reports/devicehash.js`: PDQ, MD5, SHA-256) and posts only the hashes and a category
as JSON. `check_payload` reads that body; `do_submit` stores the values under a new tracking
code and secret and hands them to the "self-reported" hash bank; `do_withdraw` takes them out
again (an entry another live submission also holds stays). The bank lives in the banks app,
above this one: it plugs its writer into `BANK` at start-up (`banks.apps`). When the young
person ticks "also share abroad", the consent is stored with the submission and the
exchanges app (plugged into `SHARING` by `exchanges.apps`) queues the fingerprints for the
partners that accept them (StopNCII).
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from .choices import SelfHashCategory
from .errors import SelfHashError, SelfHashErrorCode
from .models import SelfHashSubmission, SelfHashValue
from .services import hash_secret, new_tracking_code

HEX_LENGTH = {"pdq": 64, "md5": 32, "sha256": 64}
MAX_IMAGES = 10
_HEX = frozenset("0123456789abcdef")

Value = tuple[str, str]  # (signal type, lower-case hex)


class SelfReportedBank(Protocol):
    """What the banks app does with the values (`banks.self_reported`)."""

    def add(self, values: list[Value], *, source: str, classification: str) -> None: ...

    def remove(self, values: list[Value]) -> None: ...


# Set by banks.apps.BanksConfig.ready(); None only if the banks app is not installed.
BANK: SelfReportedBank | None = None

# The version of the opt-in text on the page (templates/reports/self_hash.html, "share"):
# stored with the consent so that what was agreed to can be shown later. Change it with the text.
SHARE_CONSENT_WORDING = "self-hash-share/1"


class Sharing(Protocol):
    """What the exchanges app does with fingerprints the young person agreed to share abroad
    (`exchanges.submissions`): queue them (in the caller's transaction; sent after commit)
    and take back what is not sent yet on withdrawal."""

    def queue(self, submission_id: int) -> None: ...

    def withdraw(self, submission_id: int) -> None: ...


# Set by exchanges.apps.ExchangesConfig.ready(); None: nothing is shared abroad.
SHARING: Sharing | None = None


@dataclass(frozen=True)
class CheckedHashes:
    category: str
    images: list[dict[str, str]]  # per picture: {"pdq": …, "md5": …, "sha256": …}
    qualities: list[int | None]  # per picture: PDQ quality 0-100 as the device computed it
    share: bool = False  # the young person ticked "also share with partners abroad"

    @property
    def values(self) -> list[Value]:
        """The values to bank: a PDQ below `settings.PDQ_MIN_QUALITY` (a flat or tiny picture,
        whose PDQ would match unrelated pictures) is left out; MD5 and SHA-256 stay."""
        found = set()
        for image, quality in zip(self.images, self.qualities, strict=True):
            for kind in HEX_LENGTH:
                if kind == "pdq" and quality is not None and quality < settings.PDQ_MIN_QUALITY:
                    continue
                found.add((kind, image[kind]))
        return sorted(found)


def _check_hex(kind: str, raw: Any, index: int) -> str:
    field = f"images.{index}.{kind}"
    if not isinstance(raw, str):
        raise SelfHashError(SelfHashErrorCode.INVALID_HEX, field=field)
    text = raw.strip().lower()
    if not text or any(ch not in _HEX for ch in text):
        raise SelfHashError(SelfHashErrorCode.INVALID_HEX, field=field)
    if len(text) != HEX_LENGTH[kind]:
        raise SelfHashError(SelfHashErrorCode.WRONG_LENGTH, field=field)
    return text


def check_payload(body: bytes) -> CheckedHashes:
    """The JSON body `{"category": …, "images": [{"pdq", "md5", "sha256", "quality"?}, …],
    "share"?: true|false}`, checked; SelfHashError for anything else. Unknown keys are
    refused: no picture data can ride along. `share` must be a real boolean: only an explicit
    `true` (the box ticked) is consent."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SelfHashError(SelfHashErrorCode.BAD_REQUEST) from exc
    if not isinstance(data, dict) or set(data) - {"category", "images", "share"}:
        raise SelfHashError(SelfHashErrorCode.BAD_REQUEST)
    share = data.get("share", False)
    if not isinstance(share, bool):
        raise SelfHashError(SelfHashErrorCode.BAD_REQUEST, field="share")
    category = data.get("category")
    if category in (None, ""):
        raise SelfHashError(SelfHashErrorCode.MISSING_CATEGORY, field="category")
    if not isinstance(category, str) or category not in SelfHashCategory.values:
        raise SelfHashError(SelfHashErrorCode.UNKNOWN_CATEGORY, field="category")
    images = data.get("images")
    if not isinstance(images, list) or not images:
        raise SelfHashError(SelfHashErrorCode.NO_IMAGES, field="images")
    if len(images) > MAX_IMAGES:
        raise SelfHashError(SelfHashErrorCode.TOO_MANY_IMAGES, field="images")
    checked, qualities = [], []
    for index, image in enumerate(images):
        if not isinstance(image, dict) or set(image) - {"quality"} != set(HEX_LENGTH):
            raise SelfHashError(SelfHashErrorCode.BAD_REQUEST, field=f"images.{index}")
        quality = image.get("quality")
        if quality is not None and (
            isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100
        ):
            raise SelfHashError(SelfHashErrorCode.BAD_REQUEST, field=f"images.{index}.quality")
        checked.append({kind: _check_hex(kind, image[kind], index) for kind in HEX_LENGTH})
        qualities.append(quality)
    return CheckedHashes(category=category, images=checked, qualities=qualities, share=share)


def _new_code() -> str:
    code = new_tracking_code()
    while SelfHashSubmission.objects.filter(tracking_code=code).exists():
        code = new_tracking_code()
    return code


def do_submit(checked: CheckedHashes) -> tuple[SelfHashSubmission, str]:
    """Store the values and add them to the self-reported bank, in one transaction. Returns
    the submission and its secret (kept only as a hash)."""
    if BANK is None:  # pragma: no cover - the banks app is always installed
        raise RuntimeError("the self-reported bank is not connected (banks app)")
    secret = secrets.token_urlsafe(12)
    with transaction.atomic():
        submission = SelfHashSubmission.objects.create(
            tracking_code=_new_code(),
            secret_hash=hash_secret(secret),
            category=checked.category,
            images=len(checked.images),
            share_consent_at=timezone.now() if checked.share else None,
            share_consent_wording=SHARE_CONSENT_WORDING if checked.share else "",
        )
        values = checked.values
        SelfHashValue.objects.bulk_create(
            SelfHashValue(submission=submission, signal_type=kind, value=value)
            for kind, value in values
        )
        BANK.add(
            values,
            source=f"self-reported {submission.tracking_code}",
            classification=checked.category,
        )
        record_change(
            actor=None,
            action=AuditAction.CREATE,
            target=submission,
            changes={
                "category": checked.category,
                "images": len(checked.images),
                "share_consent_wording": submission.share_consent_wording,
            },
        )
        if checked.share and SHARING is not None:
            SHARING.queue(submission.pk)
    return submission, secret


def find_submission(tracking_code: str, secret: str) -> SelfHashSubmission | None:
    """The submission with this code whose secret matches; None otherwise (same for both)."""
    code = tracking_code.strip().upper()
    found = SelfHashSubmission.objects.filter(tracking_code=code).first()
    expected = found.secret_hash if found else hash_secret("x" * 16)
    matches = hmac.compare_digest(expected, hash_secret(secret.strip()))
    return found if found is not None and matches else None


def do_withdraw(tracking_code: str, secret: str) -> SelfHashSubmission:
    """Withdraw the fingerprints: their bank entries stop matching (unless another live
    submission holds the same value). A second withdrawal is refused (ALREADY_WITHDRAWN)."""
    if BANK is None:  # pragma: no cover
        raise RuntimeError("the self-reported bank is not connected (banks app)")
    found = find_submission(tracking_code, secret)
    if found is None:
        raise SelfHashError(SelfHashErrorCode.NOT_FOUND)
    with transaction.atomic():
        submission = SelfHashSubmission.objects.select_for_update().get(pk=found.pk)
        if submission.withdrawn_at is not None:
            raise SelfHashError(SelfHashErrorCode.ALREADY_WITHDRAWN)
        submission.withdrawn_at = timezone.now()
        submission.save(update_fields=["withdrawn_at"])
        mine = list(submission.values.values_list("signal_type", "value"))
        still_held = set(
            SelfHashValue.objects.filter(
                submission__withdrawn_at=None, value__in=[v for _k, v in mine]
            ).values_list("signal_type", "value")
        )
        BANK.remove([v for v in mine if v not in still_held])
        if submission.share_consent_at is not None and SHARING is not None:
            SHARING.withdraw(submission.pk)
        record_change(
            actor=None,
            action=AuditAction.UPDATE,
            target=submission,
            changes={"withdrawn_at": [None, submission.withdrawn_at.isoformat()]},
        )
    return submission
