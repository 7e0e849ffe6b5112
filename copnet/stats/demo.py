"""Synthetic demo data: plausible reports and cases, written in bulk (COPY on PostgreSQL).

The mix follows what a hotline sees: a few harm categories dominate, the two large cities and
populous provinces report most, Facebook/TikTok/Zalo lead the platforms, a summer peak and a
slow upward trend, faster handling for severe harm, older cases mostly closed. Every row is
marked as demo data (references start with "DEMO-", tracking codes with "DM")."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from copnet.cases.choices import CaseStatus, Outcome, Priority
from copnet.cases.models import Case
from copnet.network.models import Organisation
from copnet.reports.choices import Channel, ChildGender, ReporterKind
from copnet.reports.models import Report
from copnet.taxonomy.choices import AgeBand, Severity
from copnet.taxonomy.models import HarmCategory

Support = Case.supporting_orgs.through

CATEGORY_WEIGHTS = {
    "cyberbullying": 22, "scam_gambling": 14, "pornography": 12, "privacy": 10,
    "grooming": 8, "sextortion": 6, "violence": 7, "self_harm": 4, "csam": 5,
    "exploitation": 2, "drugs": 3, "other": 7,
}  # fmt: skip
PROVINCE_WEIGHTS = {"79": 16, "01": 13, "31": 5, "48": 4, "92": 3, "75": 4, "38": 4, "40": 4}
PLATFORMS = {
    "Facebook": 34, "TikTok": 24, "Zalo": 12, "YouTube": 10, "Instagram": 5,
    "Telegram": 4, "Discord": 3, "Roblox": 3, "": 5,
}  # fmt: skip
CHANNELS = {Channel.WEB: 45, Channel.HOTLINE: 35, Channel.API: 12, Channel.VOLUNTEER: 8}
AGES = {AgeBand.UNDER_6: 3, AgeBand.AGE_6_8: 8, AgeBand.AGE_9_11: 18, AgeBand.AGE_12_15: 45,
        AgeBand.AGE_16_17: 20, "": 6}  # fmt: skip
GENDERS = {ChildGender.GIRL: 52, ChildGender.BOY: 38, ChildGender.OTHER: 2, ChildGender.UNKNOWN: 8}
PRIORITY: dict[str, int] = {Severity.CRITICAL: Priority.P1, Severity.HIGH: Priority.P2,
            Severity.MEDIUM: Priority.P3, Severity.LOW: Priority.P4}  # fmt: skip
# Median hours to acknowledge / first action / close, by severity (log-normal spread around them).
SPEED: dict[str, tuple[float, float, float]] = {
    Severity.CRITICAL: (0.5, 6, 240), Severity.HIGH: (3, 30, 200),
    Severity.MEDIUM: (10, 48, 300), Severity.LOW: (30, 100, 500),
}  # fmt: skip
OUTCOMES = [Outcome.CONTENT_REMOVED, Outcome.REFERRED_TO_POLICE, Outcome.CHILD_SUPPORTED,
            Outcome.ADVICE_GIVEN, Outcome.NO_FURTHER_ACTION]  # fmt: skip


K = TypeVar("K")


def _picker(weights: Mapping[K, float], rng: random.Random) -> Callable[[], K]:
    keys = list(weights)
    cum: list[float] = []
    total = 0.0
    for key in keys:
        total += weights[key]
        cum.append(total)

    def pick() -> K:
        import bisect

        return keys[bisect.bisect_left(cum, rng.random() * total)]

    return pick


@dataclass
class Plan:
    cases: int
    start: dt.datetime
    end: dt.datetime
    seed: int = 2025


def _province_weights() -> dict[str, float]:
    from copnet.core.provinces import province_choices

    weights: dict[str, float] = {code: 1.5 for code, _name in province_choices()}
    weights.update(PROVINCE_WEIGHTS)
    weights[""] = 6
    return weights


def _moment(rng: random.Random, start: dt.datetime, span: float) -> dt.datetime:
    """A time in [start, start+span) with a summer peak and growth over the years."""
    while True:
        x = rng.random()
        at = start + dt.timedelta(seconds=x * span)
        month = timezone.localtime(at).month
        weight = (1.35 if month in (6, 7, 8) else 1.0) * (0.7 + 0.6 * x)
        if rng.random() * 1.9 < weight:
            return at


def _hours(rng: random.Random, median: float) -> float:
    return median * math.exp(rng.gauss(0, 0.9))


def generate(plan: Plan) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[int]]]:
    """(case fields, its reports' fields, supporting organisation ids) one case at a time."""
    rng = random.Random(plan.seed)  # noqa: S311 - synthetic data, reproducible by seed
    categories = {c.code: c for c in HarmCategory.objects.select_related("default_lead")}
    supporting = {
        c.code: [o.pk for o in c.default_supporting.all()]
        for c in HarmCategory.objects.prefetch_related("default_supporting")
    }
    weights = {code: CATEGORY_WEIGHTS.get(code, 2) for code in categories}
    pick_category = _picker(weights, rng)
    pick_province = _picker(_province_weights(), rng)
    pick_platform = _picker(PLATFORMS, rng)
    pick_channel = _picker(CHANNELS, rng)
    pick_age = _picker(AGES, rng)
    pick_gender = _picker(GENDERS, rng)
    span = (plan.end - plan.start).total_seconds()
    now = timezone.now()
    for _index in range(plan.cases):
        category = categories[pick_category()]
        created = _moment(rng, plan.start, span)
        ack_h, action_h, close_h = SPEED.get(category.severity, SPEED[Severity.MEDIUM])
        # Triage and routing are automatic and take seconds, so no demo case is ever left
        # `new` without a lead (a case that is, is stuck: health reports it and the recovery
        # sweep triages it). People then acknowledge, act and close over hours and days.
        triaged = min(created + dt.timedelta(seconds=rng.uniform(1, 30)), now)
        ack_at = triaged + dt.timedelta(hours=_hours(rng, ack_h))
        act_at = ack_at + dt.timedelta(hours=_hours(rng, action_h))
        close_at = act_at + dt.timedelta(hours=_hours(rng, close_h))
        rejected = rng.random() < 0.06
        status = CaseStatus.CLOSED
        acknowledged: dt.datetime | None = ack_at
        acted: dt.datetime | None = act_at
        closed: dt.datetime | None = close_at
        if rejected:
            status, acted = CaseStatus.REJECTED, None
            closed = ack_at + dt.timedelta(hours=_hours(rng, 12))
        if ack_at > now:
            status, acknowledged, acted, closed = CaseStatus.ASSIGNED, None, None, None
        elif acted is not None and acted > now:
            status, acted, closed = CaseStatus.ASSIGNED, None, None
        elif closed is not None and closed > now:
            status, closed = CaseStatus.IN_PROGRESS, None
        lead = category.default_lead_id
        report_count = 1 if rng.random() < 0.82 else min(12, 2 + int(rng.expovariate(0.6)))
        province = pick_province()
        platform = pick_platform()
        age = pick_age()
        case = {
            "category_id": category.pk,
            "status": status,
            "priority": PRIORITY.get(category.severity, Priority.P3),
            "lead_org_id": lead,
            "platform": platform,
            "province": province,
            "child_age_band": age,
            "in_danger": category.severity == Severity.CRITICAL and rng.random() < 0.1,
            "report_count": report_count,
            "created_at": created,
            "triaged_at": triaged,
            "assigned_at": triaged if lead else None,
            "notified_lead_id": lead,
            "notified_at": triaged if lead else None,
            "acknowledged_at": acknowledged,
            "first_action_at": acted,
            "closed_at": closed,
            "ack_due": created + dt.timedelta(hours=category.ack_hours),
            "action_due": created + dt.timedelta(hours=category.action_hours),
            "close_due": created + dt.timedelta(days=category.close_days),
            "outcome": (
                Outcome.NOT_HARMFUL if rejected else rng.choice(OUTCOMES) if closed else ""
            ),
        }
        reports = []
        for number in range(report_count):
            at = created + dt.timedelta(hours=0 if number == 0 else rng.uniform(1, 24 * 20))
            reports.append(
                {
                    "channel": pick_channel(),
                    "category_id": category.pk,
                    "platform": platform,
                    "child_age_band": age,
                    "child_gender": pick_gender(),
                    "province": province,
                    "reporter_kind": rng.choice(ReporterKind.values),
                    "created_at": min(at, now),
                }
            )
        support = supporting.get(category.code, []) if lead else []
        yield case, reports, support


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.has_default():
            out[field.attname] = field.get_default()
        elif field.null:
            out[field.attname] = None
        elif isinstance(field, models.CharField | models.TextField):
            out[field.attname] = ""
    return out


class _Writer:
    """Rows of one table, flushed in batches (COPY on PostgreSQL, bulk_create elsewhere)."""

    def __init__(self, model: type[models.Model], batch: int = 20000) -> None:
        self.model = model
        self.columns = [f.attname for f in model._meta.concrete_fields]
        self.db_columns = [f.column for f in model._meta.concrete_fields]
        self.defaults = _defaults(model)
        self.rows: list[dict[str, Any]] = []
        self.batch = batch
        self.written = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append({**self.defaults, **row})
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(self.model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in self.db_columns)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
            ):
                for row in self.rows:
                    copy.write_row([row[c] for c in self.columns])
        else:
            # Plain INSERTs: bulk_create would overwrite auto_now_add timestamps with "now".
            fields = list(self.model._meta.concrete_fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in self.db_columns)
            marks = ", ".join(["%s"] * len(fields))
            values = [
                [f.get_db_prep_save(row[f.attname], connection) for f in fields]
                for row in self.rows
            ]
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", values)  # noqa: S608
        self.written += len(self.rows)
        self.rows = []


def seed(plan: Plan, progress: Callable[[int], object] | None = None) -> dict[str, int]:
    """Write `plan.cases` demo cases with their reports; returns row counts per table."""
    from django.core.management.color import no_style

    first_case = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_report = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_link = (Support.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    salt = hashlib.sha256(str(plan.seed).encode()).hexdigest()[:6].upper()
    cases, reports, links = _Writer(Case), _Writer(Report), _Writer(Support)
    case_id, report_id, link_id = first_case, first_report, first_link
    with transaction.atomic():
        for index, (case, case_reports, support) in enumerate(generate(plan)):
            cases.add({"id": case_id, "reference": f"DEMO-{salt}-{case_id:08d}", **case})
            for fields in case_reports:
                reports.add(
                    {
                        "id": report_id,
                        "tracking_code": f"DM{report_id:012d}"[:16],
                        "secret_hash": "0" * 64,
                        "case_id": case_id,
                        **fields,
                    }
                )
                report_id += 1
            for org_id in support:
                links.add({"id": link_id, "case_id": case_id, "organisation_id": org_id})
                link_id += 1
            case_id += 1
            if progress and index and index % 100000 == 0:
                progress(index)
            if len(cases.rows) == 0:
                reports.flush()
                links.flush()
        cases.flush()
        reports.flush()
        links.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case, Report, Support]):
                    cursor.execute(sql)
    return {"cases": cases.written, "reports": reports.written, "supporting": links.written}


def organisations_exist() -> bool:
    return Organisation.objects.exists() and HarmCategory.objects.exists()
