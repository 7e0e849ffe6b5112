"""Queue filters a person names and keeps for themselves (`SavedFilter`, owner-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import QueryDict

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.text import clean_text

from .errors import CaseErrorCode, WorkflowError
from .forms import QueueFilterForm
from .models import SavedFilter

if TYPE_CHECKING:
    from copnet.accounts.models import User


def canonical_query(raw: str) -> str:
    """The queue's own filter fields of a query string, in a fixed order ("" if none): anything
    else (page numbers, unknown or invalid fields) is dropped."""
    form = QueueFilterForm(QueryDict(raw[:500]))
    if not form.is_valid():
        return ""
    kept = QueryDict(mutable=True)
    for name in form.fields:
        value = form.data.get(name)
        if value and form.cleaned_data.get(name) not in (None, "", False):
            kept[name] = value
    return kept.urlencode()


def do_save_filter(*, owner: User, name: str, query: str) -> SavedFilter:
    clean_name = clean_text(name if isinstance(name, str) else "", multiline=False)[:80]
    if not clean_name.strip():
        raise WorkflowError(CaseErrorCode.FILTER_NAME_REQUIRED, field="name")
    kept = canonical_query(query)
    if not kept:
        raise WorkflowError(CaseErrorCode.FILTER_EMPTY, field="query")
    with transaction.atomic():
        if SavedFilter.objects.filter(owner=owner, name=clean_name.strip()).exists():
            raise WorkflowError(CaseErrorCode.FILTER_NAME_TAKEN, field="name")
        saved = SavedFilter.objects.create(owner=owner, name=clean_name.strip(), query=kept)
        record_change(
            actor=owner,
            action=AuditAction.CREATE,
            target=saved,
            changes={"query": kept},
            reason="queue filter saved",
        )
    return saved


def do_delete_filter(*, owner: User, pk: int) -> bool:
    with transaction.atomic():
        saved = SavedFilter.objects.filter(owner=owner, pk=pk).first()
        if saved is None:
            return False
        record_change(
            actor=owner,
            action=AuditAction.DELETE,
            target=saved,
            changes={"query": saved.query},
            reason="queue filter deleted",
        )
        saved.delete()
    return True
