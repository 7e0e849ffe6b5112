"""Referrals in: a CyberTipline report (XML, as A05 receives it from NCMEC) becomes a COPNet
report and case.

The document (docs/exchanges.md has an example) uses the element names of NCMEC's report
schema: `<cyberTiplineReport reportId="…">` with `<incidentSummary><incidentType>`,
`<reportAnnotations>`, `<reporter><reportingEsp><espName>`, `<personOrUserReported>`
(`screenName`, `espIdentifier`, `ipCaptureEvent`s of `ipAddress`/`eventName`/`dateTime`,
`deviceId`s) and `<files><fileDetails>` (`originalFileName`, `originalFileHash hashType=…`,
`industryClassification`, `ipCaptureEvent`s).

All or nothing: the whole file is checked first, and any fault (not well-formed, a missing
element, a bad hash, address or time) refuses it with the line of each fault; nothing is
written. A report number already imported is refused as a duplicate. The files' hashes are
matched against the banks; each match is a detection hit on the new case, which is then
triaged like any other.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from django.db import transaction
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.banks.choices import HitKind
from copnet.banks.models import DetectionHit
from copnet.banks.services import HEX_LENGTH, match_hashes
from copnet.reports.choices import Channel
from copnet.reports.services import ReportInput, check_report, submit_report

from . import classifications
from .errors import ExchangeError, ExchangeErrorCode, ReferralDuplicate, ReferralInvalid
from .models import Referral

MAX_BYTES = 5 * 1024 * 1024
HASH_TYPES = {"MD5": "md5", "SHA256": "sha256", "SHA-256": "sha256", "PDQ": "pdq"}


def _parse(body: bytes) -> tuple[ET.Element, dict[int, int]]:
    """The tree and each element's line. expat directly, because ElementTree keeps no line
    numbers; document types and entities are refused as defusedxml does."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()

    def refuse(*_args: Any) -> Any:  # expat's handlers differ in arity and return type
        raise ReferralInvalid(
            [(parser.CurrentLineNumber, _("Document types and entities are not accepted."))]
        )

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        lines[id(element)] = parser.CurrentLineNumber

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        raise ReferralInvalid(
            [(error.lineno, _("The file is not well-formed XML (%(error)s).") % {"error": error})]
        ) from error
    return builder.close(), lines


@dataclass
class _Checked:
    external_id: str
    incident_type: str
    incident_at: dt.datetime | None
    esp: str
    annotations: list[str]
    files: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, Any] = field(default_factory=dict)


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _when(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else None


def check_referral(body: bytes) -> _Checked:
    """Everything about the file, or ReferralInvalid with every fault and its line."""
    if len(body) > MAX_BYTES:
        raise ReferralInvalid([(1, _("The file is larger than 5 MB."))])
    root, lines = _parse(body)
    errors: list[tuple[int, str]] = []

    def line(element: ET.Element) -> int:
        return lines.get(id(element), 1)

    def need(parent: ET.Element, path: str) -> ET.Element | None:
        found = parent.find(path)
        if found is None or not _text(found):
            nearest = parent  # the deepest element of the path that is there
            for part in path.split("/"):
                child = nearest.find(part)
                if child is None:
                    break
                nearest = child
            errors.append(
                (line(nearest), _("The element %(name)s is missing or empty.") % {"name": path})
            )
            return None
        return found

    def events(parent: ET.Element) -> list[dict[str, str]]:
        out = []
        for event in parent.findall("ipCaptureEvent"):
            address, at = need(event, "ipAddress"), need(event, "dateTime")
            if address is not None:
                try:
                    ipaddress.ip_address(_text(address))
                except ValueError:
                    errors.append((line(address), _("This is not an IP address.")))
            if at is not None and _when(_text(at)) is None:
                errors.append((line(at), _("This is not a date and time with a time zone.")))
            out.append(
                {
                    "ip": _text(address),
                    "event": _text(event.find("eventName")),
                    "at": _text(at),
                }
            )
        return out

    if root.tag != "cyberTiplineReport":
        raise ReferralInvalid([(line(root), _("This is not a CyberTipline report."))])
    external_id = (root.get("reportId") or "").strip()
    if not external_id.isdigit() or len(external_id) > 20:
        errors.append((line(root), _("The report has no valid reportId.")))
    incident = need(root, "incidentSummary/incidentType")
    at_element = root.find("incidentSummary/incidentDateTime")
    incident_at = _when(_text(at_element)) if at_element is not None else None
    if at_element is not None and incident_at is None:
        errors.append((line(at_element), _("This is not a date and time with a time zone.")))
    esp = _text(root.find("reporter/reportingEsp/espName"))
    annotations = [_text(a) or a.tag for a in root.findall("reportAnnotations/*")]
    person = root.find("personOrUserReported")
    people: dict[str, Any] = {"account": {}, "ip_events": [], "devices": [], "file_names": []}
    if person is not None:
        people["account"] = {
            key: _text(person.find(key))
            for key in ("screenName", "espIdentifier", "email", "displayName")
            if _text(person.find(key))
        }
        people["ip_events"] = events(person)
        people["devices"] = [_text(d) for d in person.findall("deviceId") if _text(d)]
    files = []
    for details in root.findall("files/fileDetails"):
        hashes: dict[str, str] = {}
        for digest in details.findall("originalFileHash"):
            kind = HASH_TYPES.get((digest.get("hashType") or "").upper())
            value = _text(digest).lower()
            if kind is None:
                continue  # SHA-1, PhotoDNA: kept out, COPNet does not match them
            if len(value) != HEX_LENGTH[kind] or any(c not in "0123456789abcdef" for c in value):
                errors.append(
                    (line(digest), _("This is not a valid %(kind)s hash.") % {"kind": kind})
                )
                continue
            hashes[kind] = value
        if not details.findall("originalFileHash"):
            errors.append((line(details), _("A file has no hash.")))
        name = _text(details.find("originalFileName"))
        if name:
            people["file_names"].append(name)
        file_events = events(details)
        people["ip_events"].extend(file_events)
        files.append(
            {
                "hashes": hashes,
                "classification": _text(details.find("industryClassification")).upper(),
            }
        )
    if errors:
        raise ReferralInvalid(sorted(errors))
    return _Checked(
        external_id=external_id,
        incident_type=_text(incident),
        incident_at=incident_at,
        esp=esp,
        annotations=annotations,
        files=files,
        people=people,
    )


def do_import_referral(*, body: bytes, actor: Any, enqueue_triage: bool = True) -> Referral:
    """Import one CyberTipline report file: report, case, hits, referral; all or nothing."""
    if not has_perm(actor, Perm.IMPORT_REFERRALS):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not import referrals."))
    checked = check_referral(body)
    if Referral.objects.filter(external_id=checked.external_id).exists():
        raise ReferralDuplicate(checked.external_id)
    classes = [f["classification"] for f in checked.files if f["classification"]]
    mapped = next((c for c in (classifications.from_ncmec(k) for k in sorted(classes)) if c), None)
    category = mapped.category if mapped else "csam"
    report_input = ReportInput(
        category=category,
        description=_("CyberTipline report %(id)s: %(type)s")
        % {"id": checked.external_id, "type": checked.incident_type},
        platform=checked.esp[:100],
        external_id=f"CT-{checked.external_id}",
        occurred_on=checked.incident_at.date() if checked.incident_at else None,
    )
    wanted = [(kind, value) for file in checked.files for kind, value in file["hashes"].items()]
    matches = match_hashes(wanted) if wanted else []
    by_hash = dict(zip(wanted, matches, strict=True))
    for file in checked.files:
        file["matched"] = sorted(
            {m.entry.pk for pair in file["hashes"].items() for m in by_hash[pair]}
        )
    with transaction.atomic():
        if Referral.objects.select_for_update().filter(external_id=checked.external_id).exists():
            raise ReferralDuplicate(checked.external_id)
        report, _secret = submit_report(
            check_report(report_input),
            channel=Channel.API,
            actor=actor,
            enqueue_triage=enqueue_triage,
        )
        referral = Referral.objects.create(
            external_id=checked.external_id,
            case_id=report.case_id,
            report=report,
            incident_type=checked.incident_type[:200],
            reporting_service=checked.esp[:200],
            classification=mapped.code if mapped else "",
            annotations=checked.annotations,
            files=checked.files,
            people=checked.people,
        )
        DetectionHit.objects.bulk_create(
            [
                DetectionHit(
                    case_id=report.case_id,
                    report=report,
                    kind=HitKind.HASH,
                    bank_entry=match.entry,
                    label=_("%(bank)s (CyberTipline file)") % {"bank": match.entry.bank.name},
                    distance=match.distance,
                    key=f"referral:{kind}:{value}:{match.entry.pk}"[:200],
                )
                for (kind, value), found in by_hash.items()
                for match in found
            ],
            ignore_conflicts=True,
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=referral,
            reason="referral received",
            changes={
                "external_id": checked.external_id,
                "case": report.case_id,
                "files": len(checked.files),
                "matched": sum(len(f["matched"]) for f in checked.files),
            },
        )
    return referral
