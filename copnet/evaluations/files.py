"""Documents and evidence files of evaluations: real type from magic bytes, size limits,
encrypted storage outside any public path (the evidence vault's machinery, its own root)."""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image

from copnet.reports.evidence import EvidenceVault, header_dimensions

from .errors import EvaluationError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", ODT: "odt"}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.odt"
# A document package may unpack to at most this much, in at most this many parts (zip bombs).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 2000


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    filename: str
    mime: str
    sha256: str


def vault() -> EvidenceVault:
    return EvidenceVault(Path(settings.EVALUATION_FILES_ROOT))


def check_document(data: bytes, filename: str) -> CheckedFile:
    """Accept PDF, PNG, JPEG, DOCX or ODT by content (the name and browser type are ignored)."""
    if not data:
        raise EvaluationError("empty_file", _("The file is empty."), "file")
    limit = settings.EVALUATION_FILE_MAX_BYTES
    if len(data) > limit:
        raise EvaluationError(
            "file_too_large",
            _("The file is too big: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            "file",
        )
    mime = _sniff(data)
    if mime is None:
        raise EvaluationError(
            "unsupported_file",
            _("Only PDF, PNG, JPEG, DOCX or ODT documents can be uploaded. This file is not one."),
            "file",
        )
    return CheckedFile(
        data=data, filename=safe_filename(filename, mime), mime=mime, sha256=_sha256(data)
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-2048:] else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if _image_ok(data, PNG) else None
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG if _image_ok(data, JPEG) else None
    if data.startswith(b"PK\x03\x04"):
        return _package_type(data)
    return None


def _image_ok(data: bytes, mime: str) -> bool:
    size = header_dimensions(mime, data)
    if size is None or size[0] * size[1] > settings.EVIDENCE_MAX_PIXELS:
        return False
    try:
        with Image.open(io.BytesIO(data), formats=["PNG" if mime == PNG else "JPEG"]) as img:
            img.verify()
    except Exception:  # any decoder error: not a usable picture
        return False
    return True


def _package_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
                return None
            names = {p.filename for p in parts}
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and package.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return None
    return None


def safe_filename(filename: str, mime: str) -> str:
    """A display name without paths or control characters, with the extension of its real type."""
    name = unicodedata.normalize("NFC", str(filename or "")).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    try:
        stem = get_valid_filename(stem.strip(" .")[:100])
    except Exception:  # SuspiciousFileOperation for names like ".."
        stem = ""
    return f"{stem or 'document'}.{EXTENSIONS[mime]}"


def store(checked: CheckedFile) -> str:
    return vault().store(checked.data)


def read(blob_path: str) -> bytes:
    return vault().read(blob_path)


def delete(blob_path: str) -> None:
    vault().delete(blob_path)
