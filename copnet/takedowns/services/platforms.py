"""Writes on the registry of platforms that receive removal requests.

`check_platform` validates and normalises a platform's details and writes nothing;
`do_save_platform` creates or updates one platform and audits what changed. The API token is
write-only: it is never returned, an empty token keeps the stored one, `clear_token` removes
it, and the audit trail records only that it was set, replaced or cleared."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from copnet.audit.choices import AuditAction
from copnet.audit.services import diff_fields, record, record_change, snapshot
from copnet.core.cleaning import format_controls_message, has_format_controls
from copnet.core.text import clean_text, has_control_characters
from copnet.detection.hosts import HostError, host_to_ascii
from copnet.network.models import Organisation

from ..choices import (
    CHANNEL_NEEDS,
    MAX_RENOTICE_HOURS,
    MIN_RENOTICE_HOURS,
    PlatformKind,
    SendChannel,
)
from ..errors import PlatformInvalid
from ..models import Platform

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "reference" / "platforms.json"

MAX_CODE = Platform._meta.get_field("code").max_length or 40
MAX_NAME = Platform._meta.get_field("name").max_length or 100
MAX_URL = Platform._meta.get_field("web_form_url").max_length or 500
MAX_LANGUAGES = Platform._meta.get_field("languages").max_length or 50
MAX_EMAIL = 254
MAX_DOMAINS = 50
MAX_DOMAINS_TEXT = 20_000
MAX_HOST = 253
MAX_LEGAL_CONTACT = 2000
MAX_NOTES = 5000
MAX_TOKEN = 1000

CODE_RE = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")
# Fields written to the audit trail as they are; the token only as "set/replaced/cleared".
AUDITED_FIELDS = [
    "code",
    "name",
    "kind",
    "channel",
    "domains",
    "legal_contact",
    "email",
    "web_form_url",
    "api_url",
    "languages",
    "notes",
    "organisation_id",
    "is_active",
    "renotice_hours",
]
# Serialises writers of the registry on PostgreSQL, so that two saves cannot claim the same
# host at once. SQLite transactions are IMMEDIATE (settings.py), which serialises them already.
REGISTRY_LOCK = zlib.crc32(b"copnet.takedowns.platform-registry")


@dataclass(frozen=True)
class PlatformInput:
    """A platform's details as typed in. `api_token` empty keeps the stored token; `code` is
    used when creating only (it never changes afterwards)."""

    name: str
    kind: str
    channel: str
    domains: str
    code: str = ""
    legal_contact: str = ""
    email: str = ""
    web_form_url: str = ""
    api_url: str = ""
    api_token: str = ""
    clear_token: bool = False
    languages: str = "vi,en"
    notes: str = ""
    organisation: Organisation | None = None
    is_active: bool = True
    renotice_hours: int = 24


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field


def _text(
    errors: _Errors,
    field: str,
    value: Any,
    *,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
) -> str:
    if not isinstance(value, str):
        errors.add(field, _("This must be text."))
        return ""
    # Invisible format characters (bidi overrides…, core.text) would disguise a host or a URL,
    # and a control character one the person did not mean: refused, not dropped.
    if has_format_controls(value):
        errors.add(field, format_controls_message(value))
        return ""
    if has_control_characters(value.strip(), multiline=multiline):
        errors.add(field, _("This contains control characters."))
        return ""
    text = clean_text(value, multiline=multiline)
    if len(text) > max_length:
        errors.add(
            field,
            _("This is too long: at most %(limit)s characters.") % {"limit": max_length},
        )
        return ""
    if required and not text:
        errors.add(field, _("This field is required."))
    return text


def normalise_host(raw: str) -> str:
    """A host name in lower-case ASCII (IDN → punycode, IDNA 2008 with UTS 46 mapping), or
    ValueError with a translated message. No scheme, path, port or IP address."""
    shown = raw[:100]
    if any(mark in raw for mark in ("://", "/", "?", "#", "@", ":", "\\")):
        raise ValueError(
            _("Enter a host name only, without http://, a path or a port: %(host)s")
            % {"host": shown}
        )
    try:
        ascii_host = host_to_ascii(raw, strict=True)
    except HostError:
        raise ValueError(_("This is not a valid host name: %(host)s") % {"host": shown}) from None
    labels = ascii_host.split(".")
    # At least a name and a top-level domain; no top-level domain is all digits (IPv4).
    if len(ascii_host) > MAX_HOST or len(labels) < 2 or "" in labels or labels[-1].isdigit():
        raise ValueError(_("This is not a valid host name: %(host)s") % {"host": shown})
    return ascii_host


def _stored_host(value: str) -> str:
    """A host already in the registry, normalised like new ones (rows loaded or edited before
    this check existed may be written differently)."""
    try:
        return normalise_host(value)
    except ValueError:
        return value.strip().lower()


def _domains(errors: _Errors, value: Any, platform: Platform | None) -> str:
    text = _text(errors, "domains", value, max_length=MAX_DOMAINS_TEXT, multiline=True)
    if "domains" in errors:
        return ""
    hosts: list[str] = []
    for raw in re.split(r"[\n,]", text):
        if not raw.strip():
            continue
        try:
            hosts.append(normalise_host(raw))
        except ValueError as exc:
            errors.add("domains", str(exc))
    if "domains" in errors:
        return ""
    hosts = list(dict.fromkeys(hosts))
    if not hosts:
        errors.add("domains", _("Enter at least one host name, e.g. facebook.com."))
        return ""
    if len(hosts) > MAX_DOMAINS:
        errors.add("domains", _("At most %(limit)s host names.") % {"limit": MAX_DOMAINS})
        return ""
    others = Platform.objects.only("name", "domains")
    if platform is not None:
        others = others.exclude(pk=platform.pk)
    owner = {_stored_host(d): other.name for other in others for d in other.domain_list()}
    for host in hosts:
        if host in owner:
            errors.add(
                "domains",
                _("%(host)s already belongs to the platform %(platform)s.")
                % {"host": host, "platform": owner[host]},
            )
    return "\n".join(hosts)


def _https_url(errors: _Errors, field: str, value: Any) -> str:
    url = _text(errors, field, value, max_length=MAX_URL)
    if not url or field in errors:
        return url
    if not url.lower().startswith("https://"):
        errors.add(field, _("Use a secure address that starts with https://."))
        return ""
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        errors.add(field, _("Enter a valid web address."))
        return ""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        errors.add(field, _("The address must not contain a user name or password."))
        return ""
    return url


def _token(errors: _Errors, data: PlatformInput, platform: Platform | None) -> str:
    """The token to store after this save (the stored one when none is typed)."""
    current = platform.api_token if platform is not None else ""
    if not isinstance(data.api_token, str) or not isinstance(data.clear_token, bool):
        errors.add("api_token", _("This must be text."))
        return current or ""
    new = data.api_token.strip()
    if new and data.clear_token:
        errors.add("api_token", _("Either type a new token or clear the stored one, not both."))
        return current or ""
    if data.clear_token:
        return ""
    if not new:
        return current or ""
    if len(new) > MAX_TOKEN:
        errors.add(
            "api_token",
            _("This is too long: at most %(limit)s characters.") % {"limit": MAX_TOKEN},
        )
        return current or ""
    if any(not 0x21 <= ord(c) <= 0x7E for c in new):
        errors.add(
            "api_token",
            _("The token may contain only visible ASCII characters (no spaces or line breaks)."),
        )
        return current or ""
    return new


def _languages(errors: _Errors, value: Any) -> str:
    text = _text(errors, "languages", value, max_length=MAX_LANGUAGES)
    if "languages" in errors:
        return ""
    codes = list(dict.fromkeys(c.strip().lower() for c in text.split(",") if c.strip()))
    if not codes or not all(LANGUAGE_RE.fullmatch(c) for c in codes):
        errors.add("languages", _("Enter language codes separated by commas, e.g. vi,en."))
        return ""
    return ",".join(codes)


CHANNEL_MESSAGES = {
    "email": gettext_noop("The e-mail channel needs an e-mail address."),
    "web_form_url": gettext_noop("The web form channel needs the form's address."),
    "api_url": gettext_noop("The API channel needs the address of the endpoint."),
    "api_token": gettext_noop("The API channel needs a token."),
}


def check_platform(
    *, data: PlatformInput, platform: Platform | None, actor: Principal | None = None
) -> dict[str, Any]:
    """The platform's fields, validated and normalised, ready to be set on the row (the token
    included: the stored one when none is typed). Raises PlatformInvalid; writes nothing.

    A platform is never linked to the actor's own organisation: its people would become the
    platform's staff and lose the right to manage the registry (accounts.permissions)."""
    errors = _Errors()
    clean: dict[str, Any] = {}
    if platform is None:
        code = _text(errors, "code", data.code, max_length=MAX_CODE, required=True).lower()
        if code and "code" not in errors:
            if not CODE_RE.fullmatch(code):
                errors.add(
                    "code",
                    _("Use lower-case letters, digits and hyphens only, e.g. facebook."),
                )
            elif Platform.objects.filter(code__iexact=code).exists():
                errors.add("code", _("Another platform already uses this code."))
        clean["code"] = code
    clean["name"] = _text(errors, "name", data.name, max_length=MAX_NAME, required=True)
    if clean["name"] and "name" not in errors:
        same_name = Platform.objects.filter(name__iexact=clean["name"])
        if platform is not None:
            same_name = same_name.exclude(pk=platform.pk)
        if same_name.exists():
            errors.add("name", _("Another platform already has this name."))
    if data.kind not in PlatformKind.values:
        errors.add("kind", _("Choose a kind from the list."))
    clean["kind"] = data.kind
    if data.channel not in SendChannel.values:
        errors.add("channel", _("Choose a channel from the list."))
    clean["channel"] = data.channel
    clean["domains"] = _domains(errors, data.domains, platform)
    clean["legal_contact"] = _text(
        errors, "legal_contact", data.legal_contact, max_length=MAX_LEGAL_CONTACT, multiline=True
    )
    email = _text(errors, "email", data.email, max_length=MAX_EMAIL)
    if email and "email" not in errors:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    clean["email"] = email
    clean["web_form_url"] = _https_url(errors, "web_form_url", data.web_form_url)
    clean["api_url"] = _https_url(errors, "api_url", data.api_url)
    clean["api_token"] = _token(errors, data, platform)
    clean["languages"] = _languages(errors, data.languages)
    clean["notes"] = _text(errors, "notes", data.notes, max_length=MAX_NOTES, multiline=True)
    if data.organisation is not None and not (
        isinstance(data.organisation, Organisation) and data.organisation.pk
    ):
        errors.add("organisation", _("Choose an organisation from the list."))
    elif data.organisation is not None and data.organisation.pk == getattr(
        actor, "organisation_id", None
    ):
        errors.add("organisation", _("A platform cannot be linked to your own organisation."))
    clean["organisation"] = data.organisation
    if not isinstance(data.is_active, bool):
        errors.add("is_active", _("Choose yes or no."))
    clean["is_active"] = data.is_active
    hours = data.renotice_hours
    if (
        not isinstance(hours, int)
        or isinstance(hours, bool)
        or not MIN_RENOTICE_HOURS <= hours <= MAX_RENOTICE_HOURS
    ):
        errors.add(
            "renotice_hours",
            _("Re-notify every %(min)s to %(max)s hours.")
            % {"min": MIN_RENOTICE_HOURS, "max": MAX_RENOTICE_HOURS},
        )
    clean["renotice_hours"] = hours
    for field in CHANNEL_NEEDS.get(data.channel, ()):
        if not clean[field] and field not in errors:
            errors.add(field, _(CHANNEL_MESSAGES[field]))
    if errors.by_field:
        raise PlatformInvalid(errors.by_field)
    return clean


def _token_change(before: str, after: str) -> str | None:
    if before == after:
        return None
    if not before:
        return "set"
    return "cleared" if not after else "replaced"


def _lock_registry() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRY_LOCK])


def do_save_platform(
    *, platform: Platform | None, data: PlatformInput, actor: Principal | None
) -> Platform:
    """Create (`platform` None) or update one platform. Nothing is written when the details
    are invalid (PlatformInvalid) or unchanged; otherwise one audit row says what changed,
    the token only as "set", "replaced" or "cleared", never its value."""
    with transaction.atomic():
        _lock_registry()
        if platform is not None:
            platform = Platform.objects.select_for_update().get(pk=platform.pk)
        clean = check_platform(data=data, platform=platform, actor=actor)
        creating = platform is None
        row = Platform() if platform is None else platform
        before = {} if creating else snapshot(row, AUDITED_FIELDS)
        token_before = row.api_token or ""
        for name, value in clean.items():
            setattr(row, name, value)
        changes: dict[str, Any] = diff_fields(before, snapshot(row, AUDITED_FIELDS))
        token = _token_change(token_before, row.api_token or "")
        if token:
            changes["api_token"] = token
        if not creating and not changes:
            return row
        row.save()
        record_change(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target=row,
            changes=changes,
        )
    return row


def load_platforms() -> int:
    """The starter registry (names, kinds and domains only; contacts are entered by staff).
    Idempotent: platforms already present are left as edited."""
    created = 0
    with transaction.atomic():
        for row in json.loads(REFERENCE_FILE.read_text(encoding="utf-8")):
            _platform, was_created = Platform.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "domains": "\n".join(row["domains"]),
                    "renotice_hours": row.get("renotice_hours", 24),
                },
            )
            created += int(was_created)
        if created:
            record(
                actor=None,
                action=AuditAction.CREATE,
                target_type="takedowns.platform",
                changes={"loaded": created},
                reason="reference data",
            )
    return created
