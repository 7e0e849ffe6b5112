"""New removal requests: the items checked (addresses and account names) and the draft
created, with the case's "removal requested" action and an audit row."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.choices import ActionKind
from copnet.cases.errors import WorkflowError
from copnet.cases.models import Case
from copnet.cases.services import do_record_action
from copnet.core.cleaning import (
    format_controls_message,
    has_format_controls,
)
from copnet.core.text import clean_text, has_control_characters
from copnet.detection.base import SignalError
from copnet.detection.urls import canonicalize

from ..choices import ItemKind, LegalBasis, Urgency, default_urgency
from ..errors import TakedownError, TakedownErrorCode
from ..models import Platform, RemovalItem, RemovalRequest
from .authorities import default_authority

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_ITEMS = 100
MAX_ITEM_LENGTH = 2048


def new_reference() -> str:
    year = timezone.localdate().strftime("%y")
    return f"R{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _clean_line(value: str) -> str:
    """An account name or address cleaned by `core.text.clean_text`; control characters are
    refused rather than dropped (an address with one is not the address the person meant)."""
    if has_control_characters(value.strip(), multiline=False):
        raise TakedownError(
            TakedownErrorCode.INVALID_ITEM, _("An item contains control characters.")
        )
    text = clean_text(value, multiline=False)
    if len(text) > MAX_ITEM_LENGTH:
        raise TakedownError(
            TakedownErrorCode.INVALID_ITEM, _("An item is longer than 2,048 characters.")
        )
    return text


def check_items(*, urls: list[str], accounts: list[str]) -> list[tuple[str, str]]:
    """Validated (kind, value) pairs: addresses must be http(s) URLs. Raises TakedownError."""

    items: list[tuple[str, str]] = []
    for raw in urls:
        if has_format_controls(raw):
            raise TakedownError(TakedownErrorCode.FORMAT_CHARACTERS, format_controls_message(raw))
        url = _clean_line(raw)
        if not url:
            continue
        try:
            canonicalize(url)
        except SignalError:
            raise TakedownError(
                TakedownErrorCode.INVALID_URL,
                _("This is not a web address that can be removed: %(url)s") % {"url": url[:100]},
            ) from None
        if "://" not in url:
            url = "http://" + url
        items.append((ItemKind.URL, url))
    for raw in accounts:
        account = _clean_line(raw)
        if account:
            items.append((ItemKind.ACCOUNT, account))
    items = list(dict.fromkeys(items))
    if not items:
        raise TakedownError(
            TakedownErrorCode.NO_ITEMS, _("Name at least one address or account to remove.")
        )
    if len(items) > MAX_ITEMS:
        raise TakedownError(
            TakedownErrorCode.TOO_MANY_ITEMS, _("At most 100 items fit in one request.")
        )
    return items


def do_create_request(
    *,
    case: Case,
    platform: Platform,
    urls: list[str],
    accounts: list[str],
    legal_basis: str,
    urgency: str,
    actor: Principal | None,
) -> RemovalRequest:
    """A draft request; the case records a "removal requested" action through cases.services.
    An empty `urgency` takes the case's (`choices.default_urgency`: P1 → urgent)."""

    if urgency == "":
        urgency = default_urgency(case.priority)
    if legal_basis not in LegalBasis.values or urgency not in Urgency.values:
        raise TakedownError(
            TakedownErrorCode.INVALID, _("Choose a legal basis and an urgency from the lists.")
        )
    if not platform.is_active:
        raise TakedownError(
            TakedownErrorCode.PLATFORM_INACTIVE, _("This platform is no longer in use.")
        )
    items = check_items(urls=urls, accounts=accounts)
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            reference=new_reference(),
            case=case,
            platform=platform,
            requested_by_org=getattr(actor, "organisation", None),
            legal_basis=legal_basis,
            urgency=urgency,
            created_by=actor if isinstance(actor, User) else None,
            issuing_authority=default_authority(case, actor),
        )
        RemovalItem.objects.bulk_create(
            [RemovalItem(request=request, kind=kind, value=value) for kind, value in items]
        )
        try:
            do_record_action(
                case=case,
                kind=ActionKind.REMOVAL_REQUESTED,
                note=_("Removal request %(reference)s to %(platform)s")
                % {"reference": request.reference, "platform": platform.name},
                actor=actor,
            )
        except WorkflowError as exc:
            raise TakedownError(TakedownErrorCode(exc.code), exc.message) from None
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=request,
            changes={
                "case": case.reference,
                "platform": platform.code,
                "items": len(items),
                "legal_basis": legal_basis,
                "urgency": urgency,
            },
        )
    return request
