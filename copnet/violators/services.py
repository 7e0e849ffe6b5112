"""Platform accounts named in reports, linked across cases, and Decree 147/2024's rule for
repeat violators: an account reported in ≥ 5 cases within 30 days or ≥ 10 within 90 days is
recommended for suspension (7–30 days), permanently once it was suspended 3 times.

Accounts are linked during triage (registered in `cases.triage.DETECTORS`), so every channel is
covered; the recommendation reaches the case page, the staff account view and the next removal
notice (`takedowns.notices.NOTICE_ADDENDA`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.triage import DetectionSignal
from copnet.core.crypto import lookup_hash
from copnet.takedowns.models import Platform, RemovalRequest

from .choices import Recommendation
from .errors import ViolatorError, ViolatorErrorCode
from .models import AccountSighting, AccountSuspension, PlatformAccount

SPLIT = re.compile(r"[\n,;]+")
ADDRESS = re.compile(r"^[\w-]+(\.[\w-]+)+/", re.ASCII)
MAX_HANDLE = 100
WINDOWS = ((30, 5), (90, 10))  # (days, cases): Decree 147/2024
PERMANENT_AFTER = 3


def normalise_handle(raw: str) -> str:
    """ "@Ten.Nguoi", "ten.nguoi" and "https://facebook.com/ten.nguoi/" are one account:
    NFKC, case folded, a leading @ dropped, an address reduced to its last path segment."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if "://" in text or ADDRESS.match(text):
        parts = urlsplit(text if "://" in text else "https://" + text)
        segments = [s for s in parts.path.split("/") if s]
        text = segments[-1] if segments else ""
        if text.lower() == "profile.php" and "id=" in parts.query:
            text = parts.query.split("id=", 1)[1].split("&", 1)[0]
    text = " ".join(text.lstrip("@").split()).casefold()
    return text if 0 < len(text) <= MAX_HANDLE else ""


def _platform_for(label: str, platforms: Sequence[Platform]) -> Platform | None:
    key = label.strip().casefold()
    if not key:
        return None
    for platform in platforms:
        names = {platform.code.casefold(), platform.name.casefold()}
        domains = {d.strip().casefold() for d in platform.domains.splitlines() if d.strip()}
        if key in names or key in domains:
            return platform
    return None


def account_lookup(platform: Platform | None, label: str, handle: str) -> str:
    where = f"platform:{platform.code}" if platform else f"label:{label.strip().casefold()}"
    return lookup_hash(f"{where}\x1f{handle}", purpose="platform-account")


def _accounts_in(text: str) -> list[str]:
    handles = (normalise_handle(part) for part in SPLIT.split(text or ""))
    return list(dict.fromkeys(h for h in handles if h))


def link_cases(cases: Sequence[Any]) -> dict[int, list[DetectionSignal]]:
    """Record the accounts named in the cases' reports (idempotent) and say which cases name
    an account that the repeat-violator rule now covers."""
    if not cases:
        return {}
    from copnet.reports.models import Report

    platforms = list(Platform.objects.all())
    now = timezone.now()
    touched: dict[int, set[int]] = {}
    reports = Report.objects.filter(case__in=[c.pk for c in cases]).only(
        "pk", "case_id", "platform", "account_handles", "created_at"
    )
    for report in reports:
        if not report.account_handles:
            continue
        platform = _platform_for(report.platform, platforms)
        label = "" if platform else report.platform[:100]
        for handle in _accounts_in(report.account_handles):
            account, _new = PlatformAccount.objects.get_or_create(
                lookup=account_lookup(platform, label, handle),
                defaults={
                    "platform": platform,
                    "platform_label": label,
                    "handle": handle,
                    "last_seen": report.created_at,
                },
            )
            _sighting, created = AccountSighting.objects.get_or_create(
                account=account,
                case_id=report.case_id,
                defaults={"report": report, "seen_at": report.created_at},
            )
            if created and account.last_seen < report.created_at:
                PlatformAccount.objects.filter(pk=account.pk).update(last_seen=report.created_at)
            touched.setdefault(report.case_id, set()).add(account.pk)
    signals: dict[int, list[DetectionSignal]] = {}
    for case_id, account_ids in touched.items():
        for standing in standings(PlatformAccount.objects.filter(pk__in=account_ids), now=now):
            if standing.recommendation:
                signals.setdefault(case_id, []).append(
                    DetectionSignal(
                        source="repeat_violator",
                        explanation=f"account #{standing.account.pk}: {standing.cases_30} cases "
                        f"in 30 days, {standing.cases_90} in 90 days",
                    )
                )
    return signals


@dataclass(frozen=True)
class Standing:
    account: PlatformAccount
    cases_30: int
    cases_90: int
    suspensions: int
    recommendation: str

    @property
    def recommendation_label(self) -> str:
        return str(Recommendation(self.recommendation).label)


def standings(accounts: Any, *, now: dt.datetime | None = None) -> list[Standing]:
    """Each account with its case counts in the two windows and the rule's recommendation."""
    now = now or timezone.now()
    annotated = accounts.annotate(
        cases_30=Count(
            "sightings__case",
            filter=Q(sightings__seen_at__gte=now - dt.timedelta(days=30)),
            distinct=True,
        ),
        cases_90=Count(
            "sightings__case",
            filter=Q(sightings__seen_at__gte=now - dt.timedelta(days=90)),
            distinct=True,
        ),
        suspension_count=Count("suspensions", distinct=True),
    )
    out = []
    for account in annotated:
        repeat = any(getattr(account, f"cases_{days}") >= limit for days, limit in WINDOWS)
        if not repeat:
            rule = Recommendation.NONE
        elif account.suspension_count >= PERMANENT_AFTER:
            rule = Recommendation.PERMANENT
        else:
            rule = Recommendation.SUSPEND
        out.append(
            Standing(account, account.cases_30, account.cases_90, account.suspension_count, rule)
        )
    return out


def case_standings(case: Any) -> list[Standing]:
    named = AccountSighting.objects.filter(case=case).values("account_id")
    return standings(PlatformAccount.objects.filter(pk__in=named))


def notice_lines(request: RemovalRequest, language: str) -> list[str]:
    """Lines for a removal notice: the case's accounts that the repeat-violator rule covers."""
    lines = []
    for standing in case_standings(request.case):
        if standing.recommendation:
            lines.append(
                _(
                    "Account %(account)s: reported in %(n30)s cases in 30 days and %(n90)s in "
                    "90 days. Recommendation: %(rule)s"
                )
                % {
                    "account": standing.account.handle,
                    "n30": standing.cases_30,
                    "n90": standing.cases_90,
                    "rule": standing.recommendation_label,
                }
            )
    return lines


def do_record_suspension(
    *, account: PlatformAccount, starts_on: dt.date, days: int | None, actor: Any
) -> AccountSuspension:
    """A suspension the platform confirmed (7–30 days, or permanent when `days` is None)."""
    if days is not None and not 1 <= days <= 366:
        raise ViolatorError(ViolatorErrorCode.INVALID_DAYS, field="days")
    if starts_on > timezone.localdate():
        raise ViolatorError(ViolatorErrorCode.FUTURE_DATE, field="starts_on")
    with transaction.atomic():
        suspension = AccountSuspension.objects.create(
            account=account, starts_on=starts_on, days=days, recorded_by=actor
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=account,
            changes={"suspension": [None, f"{starts_on.isoformat()} +{days or '∞'}"]},
            reason="account suspension recorded",
        )
    return suspension
