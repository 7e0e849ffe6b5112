"""Receiving reports from every channel, and the reporter's follow-up without an account.

Order of work in `submit_report`: check everything and decode images first (no writes), store
the encrypted files, then write report + case + evidence + audit in ONE transaction; triage is
enqueued only after commit. If the transaction fails, the stored files are removed again; if the
process dies first, `core.orphans` removes them after a grace period.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.accounts.permissions import is_api_key
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change, record_changes
from copnet.cases.choices import EventKind
from copnet.cases.joining import CaseRequest, open_or_join_cases
from copnet.cases.services import add_event
from copnet.cases.tasks import triage_cases
from copnet.core.cleaning import FORMAT_CONTROLS_CODE, clean_field, format_controls_message
from copnet.core.crypto import lookup_hash
from copnet.core.filestore import FileStore
from copnet.core.provinces import province_names
from copnet.core.tasks import enqueue_on_commit
from copnet.core.text import clean_text as text_rule
from copnet.core.urlnorm import NormalisedUrl, UrlError, normalise_url
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import Channel, ChildGender, EvidenceKind, ReporterKind
from .errors import IntakeError, IntakeErrorCode
from .evidence import (
    EvidenceError,
    ImageFacts,
    VideoFacts,
    evidence_store,
    inspect_evidence,
    make_evidence_preview,
)
from .lookups import handle_keys, host_lookup_key
from .models import Evidence, Report, ReportHandle, ReportUrl

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.cases.models import Case, ReportMessage

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 10_000
MAX_TEXT = 20_000
MAX_SHORT = 200
MAX_PLATFORM = 100  # the width of Report.platform and Case.platform
MAX_EXTERNAL_ID = 100  # the width of Report.external_id
MAX_URLS = 20
MAX_TEXTS = 10
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# The reporter's secret: Crockford's base32 without 0, 1, I, L, O and U (nothing a child can
# misread), 16 characters shown as 4 groups of 4 (about 78 bits). Typed input is read
# case-insensitively, with spaces and dashes ignored.
SECRET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # noqa: S105 (an alphabet, not a secret)
SECRET_GROUPS = 4
SECRET_GROUP_SIZE = 4


@dataclass
class ReportInput:
    category: str
    description: str = ""
    urls: list[str] = field(default_factory=list)
    platform: str = ""
    account_handles: str = ""
    occurred_on: Any = None
    child_age_band: str = ""
    child_gender: str = ""
    province: str = ""
    in_danger: bool = False
    reporter_kind: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    images: list[bytes] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    external_id: str = ""
    language: str = ""  # empty: the active language of the request (report_language)


def report_language(code: str = "") -> str:
    """`code`, or the active language (the page's or the API request's), as one of
    settings.LANGUAGES; empty when neither is one."""
    known = {language for language, _name in settings.LANGUAGES}
    for candidate in (code, translation.get_language() or ""):
        base = candidate.split("-")[0].lower()
        if base in known:
            return base
    return ""


@dataclass
class CheckedReport:
    data: ReportInput
    category: HarmCategory
    urls: list[tuple[str, NormalisedUrl]]
    images: list[tuple[bytes, ImageFacts | VideoFacts]]  # pictures and videos


def clean_text(value: str, *, limit: int, field_name: str) -> str:
    """`core.cleaning.clean_field` raising IntakeError."""
    return clean_field(value, limit=limit, field=field_name, error=IntakeError)


def _choice(value: str, allowed: list[str], field_name: str) -> str:
    if value and value not in allowed:
        raise IntakeError(
            IntakeErrorCode.INVALID_CHOICE, _("Choose one of the options."), field_name
        )
    return value


def check_report(
    data: ReportInput, *, categories: dict[str, HarmCategory] | None = None
) -> CheckedReport:
    """Validate and normalise everything; raises IntakeError; writes nothing."""
    categories = (
        categories
        if categories is not None
        else {c.code: c for c in HarmCategory.objects.filter(is_active=True)}
    )
    category = categories.get(data.category)
    if category is None:
        raise IntakeError(
            IntakeErrorCode.UNKNOWN_CATEGORY, _("Choose what happened from the list."), "category"
        )
    data.description = clean_text(data.description, limit=MAX_DESCRIPTION, field_name="description")
    limits = {"platform": MAX_PLATFORM, "external_id": MAX_EXTERNAL_ID, "reporter_name": MAX_SHORT}
    for name, limit in limits.items():
        setattr(data, name, clean_text(getattr(data, name), limit=limit, field_name=name))
    data.account_handles = clean_text(
        data.account_handles, limit=2000, field_name="account_handles"
    )
    data.reporter_contact = clean_text(
        data.reporter_contact, limit=MAX_SHORT, field_name="reporter_contact"
    )
    data.child_age_band = _choice(data.child_age_band, AgeBand.values, "child_age_band")
    data.child_gender = _choice(data.child_gender, ChildGender.values, "child_gender")
    data.reporter_kind = _choice(data.reporter_kind, ReporterKind.values, "reporter_kind")
    data.province = _choice(data.province, list(province_names()), "province")
    if len(data.urls) > MAX_URLS:
        raise IntakeError(
            IntakeErrorCode.TOO_MANY_URLS,
            _("At most %(limit)s web addresses per report.") % {"limit": MAX_URLS},
            "urls",
        )
    urls = []
    for raw in data.urls:
        if not isinstance(raw, str):
            raise IntakeError(IntakeErrorCode.INVALID_URL, _("A web address must be text."), "urls")
        if not raw.strip():
            continue
        try:
            urls.append((raw.strip()[:2048], normalise_url(unicodedata.normalize("NFC", raw))))
        except UrlError as exc:
            if exc.code == FORMAT_CONTROLS_CODE:
                raise IntakeError(
                    IntakeErrorCode.INVALID_URL, format_controls_message(raw), "urls"
                ) from exc
            raise IntakeError(
                IntakeErrorCode.INVALID_URL,
                _(
                    "“%(url)s” is not a web address we can check. Use an address that starts "
                    "with http:// or https://."
                )
                % {"url": text_rule(raw.strip()[:80], multiline=False)},
                "urls",
            ) from exc
    if len(data.texts) > MAX_TEXTS:
        raise IntakeError(IntakeErrorCode.TOO_MANY_TEXTS, _("Too many text excerpts."), "texts")
    data.texts = [
        t for t in (clean_text(t, limit=MAX_TEXT, field_name="texts") for t in data.texts) if t
    ]
    if len(data.images) > settings.EVIDENCE_MAX_IMAGES:
        raise IntakeError(
            IntakeErrorCode.TOO_MANY_FILES,
            _("You can send at most %(limit)s pictures.") % {"limit": settings.EVIDENCE_MAX_IMAGES},
            "images",
        )
    images = []
    for blob in data.images:
        try:
            images.append((blob, inspect_evidence(blob)))
        except EvidenceError as exc:
            raise IntakeError(IntakeErrorCode(exc.code), str(exc.message), "images") from exc
    if not (data.description or urls or images or data.texts):
        raise IntakeError(
            IntakeErrorCode.EMPTY_REPORT,
            _("Tell us what happened, or give a web address or a picture."),
            "description",
        )
    return CheckedReport(data=data, category=category, urls=urls, images=images)


def url_lookup_key(normalised: NormalisedUrl) -> str:
    """The keyed hash under which reports of one address meet (http and https alike)."""
    return lookup_hash(normalised.match_text, purpose="report-url")


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A secret a child can copy by hand: `7KQM-X3RD-9PTA-HZ4E`."""
    raw = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_GROUPS * SECRET_GROUP_SIZE))
    return "-".join(raw[i : i + SECRET_GROUP_SIZE] for i in range(0, len(raw), SECRET_GROUP_SIZE))


def canonical_secret(typed: str) -> str:
    """What a typed secret of the current format stands for: capitals, without spaces, dashes
    or underscores (full-width characters folded by NFKC). Legacy secrets are compared as
    typed."""
    kept = "".join(ch for ch in unicodedata.normalize("NFKC", typed) if ch not in " -_\t")
    return kept.upper()


def secret_hashes(typed: str) -> tuple[str, str]:
    """The hashes a typed secret may be stored under: the grouped format's (canonical,
    grouped) and the legacy `token_urlsafe` secret's (as typed, trimmed)."""
    canon = canonical_secret(typed)
    grouped = "-".join(
        canon[i : i + SECRET_GROUP_SIZE] for i in range(0, len(canon), SECRET_GROUP_SIZE)
    )
    return hash_secret(grouped), hash_secret(typed.strip())


Facts = ImageFacts | VideoFacts


def _store_images(
    vault: FileStore, images: list[tuple[bytes, Facts]]
) -> list[tuple[Facts, str, str]]:
    stored: list[tuple[Facts, str, str]] = []
    written: list[str] = []
    try:
        for blob, facts in images:
            written.append(vault.store(blob))
            written.append(vault.store(make_evidence_preview(blob, facts)))
            stored.append((facts, written[-2], written[-1]))
    except BaseException:
        _discard(vault, written)
        raise
    return stored


def _delete_files(vault: FileStore, stored: list[tuple[Facts, str, str]]) -> None:
    _discard(vault, [path for _facts, blob, preview in stored for path in (blob, preview)])


def _discard(vault: FileStore, paths: list[str]) -> None:
    # Called while another error propagates: never hide it. What cannot be deleted now (the
    # object store is unreachable) is removed by the orphan sweep later.
    try:
        vault.delete_many(paths)
    except Exception:
        logger.exception("could not remove %s stored file(s); the orphan sweep will", len(paths))


def _evidence_row(report: Report, f: Facts, blob: str, preview: str) -> Evidence:
    row = Evidence(
        report=report,
        kind=EvidenceKind.IMAGE,
        mime=f.mime,
        size=f.size,
        width=f.width,
        height=f.height,
        sha256=f.sha256,
        md5=f.md5,
        blob_path=blob,
        preview_path=preview,
    )
    if isinstance(f, VideoFacts):
        row.kind, row.duration, row.vpdq = EvidenceKind.VIDEO, f.duration, f.vpdq
    else:
        row.pdq, row.pdq_quality = f.pdq, f.pdq_quality
    return row


def _evidence_rows(
    report: Report, stored: list[tuple[Facts, str, str]], texts: list[str]
) -> list[Evidence]:
    rows = [_evidence_row(report, f, blob, preview) for f, blob, preview in stored]
    rows += [Evidence(report=report, kind=EvidenceKind.TEXT, text=t) for t in texts]
    return rows


def submit_report(
    checked: CheckedReport,
    *,
    channel: str,
    actor: Principal | None = None,
    enqueue_triage: bool = True,
) -> tuple[Report, str]:
    """Save a checked report into its case. Returns the report and the reporter's secret,
    which is stored only as a hash."""
    return submit_reports([checked], channel=channel, actor=actor, enqueue_triage=enqueue_triage)[0]


def submit_reports(
    checked: Sequence[CheckedReport],
    *,
    channel: str,
    actor: Principal | None = None,
    enqueue_triage: bool = True,
) -> list[tuple[Report, str]]:
    """Save checked reports, each into its case, all in one transaction (joined to the
    caller's, if any) and with a few statements per table. Returns (report, secret) per item,
    in order; secrets are stored only as hashes. Image files are removed again on failure."""

    vault = evidence_store()
    stored: list[list[tuple[Facts, str, str]]] = []
    try:
        for item in checked:
            stored.append(_store_images(vault, item.images))
        with transaction.atomic():
            placed = open_or_join_cases(
                [
                    CaseRequest(
                        category=item.category,
                        platform=item.data.platform,
                        province=item.data.province,
                        child_age_band=item.data.child_age_band,
                        in_danger=item.data.in_danger,
                        url_keys=[url_lookup_key(n) for _raw, n in item.urls],
                        sha256s=[f.sha256 for f, _b, _p in files],
                    )
                    for item, files in zip(checked, stored, strict=True)
                ],
                actor=actor,
            )
            secrets_ = [new_secret() for _ in checked]
            reports = Report.objects.bulk_create(
                [
                    _report_row(item.data, item.category, case, secret, channel, actor)
                    for item, (case, _joined), secret in zip(checked, placed, secrets_, strict=True)
                ],
                batch_size=500,
            )
            ReportUrl.objects.bulk_create(
                [
                    ReportUrl(
                        report=report,
                        url=raw,
                        normalised=n.url,
                        url_key=url_lookup_key(n),
                        host_key=host_lookup_key(n.host),
                    )
                    for report, item in zip(reports, checked, strict=True)
                    for raw, n in item.urls
                ],
                batch_size=1000,
            )
            ReportHandle.objects.bulk_create(
                [
                    ReportHandle(report=report, key=key)
                    for report, item in zip(reports, checked, strict=True)
                    for key in handle_keys(item.data.account_handles)
                ],
                batch_size=1000,
            )
            Evidence.objects.bulk_create(
                [
                    row
                    for report, item, files in zip(reports, checked, stored, strict=True)
                    for row in _evidence_rows(report, files, item.data.texts)
                ],
                batch_size=500,
            )
            record_changes(
                actor=actor,
                action=AuditAction.CREATE,
                changes_by_target=[
                    (
                        report,
                        {
                            "channel": channel,
                            "case": case.reference,
                            "joined_case": joined,
                            "images": len(files),
                        },
                    )
                    for report, (case, joined), files in zip(reports, placed, stored, strict=True)
                ],
            )
            if enqueue_triage and reports:
                enqueue_on_commit(triage_cases, sorted({case.pk for case, _j in placed}))
    except BaseException:  # SystemExit too: gunicorn's worker timeout
        for files in stored:
            _delete_files(vault, files)
        raise
    return list(zip(reports, secrets_, strict=True))


def _report_row(
    data: ReportInput,
    category: HarmCategory,
    case: Case,
    secret: str,
    channel: str,
    actor: Principal | None,
) -> Report:
    user = actor if isinstance(actor, User) else None
    key = actor if is_api_key(actor) else None
    return Report(
        tracking_code=new_tracking_code(),
        secret_hash=hash_secret(secret),
        channel=channel,
        category=category,
        description=data.description,
        platform=data.platform,
        account_handles=data.account_handles,
        occurred_on=data.occurred_on,
        child_age_band=data.child_age_band,
        child_gender=data.child_gender,
        province=data.province,
        in_danger=data.in_danger,
        reporter_kind=data.reporter_kind,
        reporter_name=data.reporter_name,
        reporter_contact=data.reporter_contact,
        operator=user if channel == Channel.HOTLINE else None,
        submitted_by=user if channel == Channel.VOLUNTEER else None,
        api_key=key,
        partner=key.organisation if key is not None else None,
        external_id=data.external_id,
        language=report_language(data.language),
        case=case,
    )


def messages_for(report: Report) -> list[ReportMessage]:
    """The messages the Network wrote to this report's reporter, oldest first (only theirs:
    another reporter of the same case never sees them)."""
    return list(report.messages.order_by("created_at", "id"))


def find_report(tracking_code: str, secret: str) -> Report | None:
    """The report with this code whose secret matches; None otherwise (same answer for both)."""
    code = tracking_code.strip().upper()
    report = Report.objects.select_related("case").filter(tracking_code=code).first()
    expected = report.secret_hash if report else hash_secret("x" * 16)
    grouped, legacy = secret_hashes(secret)
    # Both comparisons always run, so the time taken says nothing about which format matched.
    matches = hmac.compare_digest(expected, grouped) | hmac.compare_digest(expected, legacy)
    return report if report is not None and matches else None


def proven_report(report_id: object) -> Report | None:
    """The report whose code and secret this visitor gave (`find_report`), by the id their
    session kept: the secret is the reporter's capability, there is no account to scope by."""
    if not isinstance(report_id, int):
        return None
    return Report.objects.select_related("case").filter(pk=report_id).first()


def add_information(report: Report, *, text: str, images: list[bytes]) -> Report:
    """The reporter adds text or pictures later (from the status page)."""

    data = ReportInput(category=report.category.code, description=text, images=images)
    checked = check_report(data, categories={report.category.code: report.category})
    vault = evidence_store()
    stored = _store_images(vault, checked.images)
    try:
        with transaction.atomic():
            texts = [checked.data.description] if checked.data.description else []
            Evidence.objects.bulk_create(_evidence_rows(report, stored, texts))
            add_event(
                report.case,
                kind=EventKind.INFO_ADDED,
                data={"report": report.tracking_code, "images": len(stored), "texts": len(texts)},
            )
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=report,
                changes={"added_images": len(stored), "added_texts": len(texts)},
                reason="reporter added information",
            )
            enqueue_on_commit(triage_cases, [report.case_id])
    except BaseException:
        _delete_files(vault, stored)
        raise
    return report
