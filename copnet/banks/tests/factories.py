"""Builders for banks and lists, made through the services."""

from __future__ import annotations

from typing import Any

from copnet.banks import curation
from copnet.banks.models import BankEntry, HashBank, UrlList, UrlListEntry
from copnet.taxonomy.models import HarmCategory

PDQ_A = "f" * 64
PDQ_CLOSE = "f" * 60 + "0000"  # 16 bits from PDQ_A
MD5_A = "a" * 32


def make_bank(name: str = "partner", *, actor: Any = None, **fields: Any) -> HashBank:
    return curation.do_create_bank(
        name=name,
        kind=fields.pop("kind", "known_abuse"),
        description=fields.pop("description", ""),
        source=fields.pop("source", "partner hotline"),
        actor=actor,
    )


def add_hash(bank: HashBank, value: str = PDQ_A, signal_type: str = "pdq") -> BankEntry:
    return curation.do_add_bank_entry(
        bank=bank, signal_type=signal_type, value=value, source="test", actor=None
    )


def make_url_list(name: str = "bad-sites", *, category: str = "pornography") -> UrlList:
    return curation.do_create_url_list(
        name=name, category=HarmCategory.objects.get(code=category), source="test", actor=None
    )


def add_url(url_list: UrlList, pattern: str = "bad.example", kind: str = "host") -> UrlListEntry:
    return curation.do_add_url_entry(url_list=url_list, pattern=pattern, kind=kind, actor=None)


def triaged_case(*, category: str = "other", **report: Any) -> Any:
    """A case opened by one report (images, urls…) and triaged, as intake leaves it."""
    from copnet.cases.services import triage_case
    from copnet.reports.tests.factories import file_report

    filed, _code = file_report(category=category, enqueue_triage=False, **report)
    return triage_case(filed.case_id)


def close_case(case: Any, actor: Any, *, outcome: str = "content_removed") -> Any:
    from copnet.cases.services import do_transition

    for target in ("in_progress", "action_taken"):
        case = do_transition(case=case, target=target, actor=actor)
    return do_transition(case=case, target="closed", outcome=outcome, actor=actor)
