"""Reads for the staff pages. Banks and lists are network-wide reference data (who may see
them is decided by Perm.VIEW_BANKS); detection hits belong to cases and are scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from copnet.accounts.permissions import visible_to
from copnet.cases.models import Case

from .models import BankEntry, DetectionHit, HashBank, UrlList, UrlListEntry


def _live(now: Any, prefix: str) -> Q:
    return Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})


def _with_live(entries: QuerySet[Any]) -> QuerySet[Any]:
    live = ExpressionWrapper(_live(timezone.now(), ""), output_field=BooleanField())
    return entries.annotate(is_live=live)


def banks_with_counts() -> QuerySet[HashBank]:
    now = timezone.now()
    return HashBank.objects.annotate(
        entry_count=Count("entries"),
        live_count=Count("entries", filter=_live(now, "entries__")),
    ).order_by("name")


def url_lists_with_counts() -> QuerySet[UrlList]:
    now = timezone.now()
    return (
        UrlList.objects.select_related("category")
        .annotate(
            entry_count=Count("entries"),
            live_count=Count("entries", filter=_live(now, "entries__")),
        )
        .order_by("name")
    )


def access_bank(name: str) -> HashBank:
    bank = HashBank.objects.filter(name=name).first()
    if bank is None:
        raise Http404
    return bank


def access_url_list(name: str) -> UrlList:
    url_list = UrlList.objects.select_related("category").filter(name=name).first()
    if url_list is None:
        raise Http404
    return url_list


def bank_entries(bank: HashBank, query: str = "", signal_type: str = "") -> QuerySet[BankEntry]:
    """Newest first; `query` matches the start of a hash (hex, case-insensitive)."""
    entries = _with_live(
        bank.entries.select_related("confirmed_case").defer("vpdq").order_by("-pk")
    )
    query = query.strip().lower()
    if query:
        entries = entries.filter(value__startswith=query)
    if signal_type:
        entries = entries.filter(signal_type=signal_type)
    return entries


def url_entries(url_list: UrlList, query: str = "") -> QuerySet[UrlListEntry]:
    entries = _with_live(url_list.entries.order_by("-pk"))
    query = query.strip()
    if query:
        entries = entries.filter(pattern__icontains=query)
    return entries


def access_bank_entry(bank: HashBank, pk: int) -> BankEntry:
    entry = BankEntry.objects.filter(bank=bank, pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def access_quarantined_entry(pk: int) -> BankEntry:
    """A quarantined entry (banks are network-wide); 404 for any other."""
    entry = BankEntry.objects.filter(pk=pk, quarantined_at__isnull=False).first()
    if entry is None:
        raise Http404
    return entry


def access_url_entry(url_list: UrlList, pk: int) -> UrlListEntry:
    entry = UrlListEntry.objects.filter(url_list=url_list, pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def visible_case_ids(user: Any, case_ids: list[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(visible_to(user, Case.objects.filter(pk__in=case_ids)).values_list("pk", flat=True))


def hits_visible_to(user: Any, kind: str = "") -> QuerySet[DetectionHit]:
    hits = visible_to(
        user,
        DetectionHit.objects.select_related(
            "case", "case__category", "bank_entry__bank", "url_entry__url_list"
        ).order_by("-pk"),
    )
    if kind:
        hits = hits.filter(kind=kind)
    return hits
