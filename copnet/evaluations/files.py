"""Documents and evidence files of evaluations: checked by `copnet.core.uploads` (real type,
size, pixel and zip-bomb limits), stored encrypted outside any public path (the evidence
store's machinery: its own local root, or the "evaluation-files/" area of the object store)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from copnet.core import uploads
from copnet.core.filestore import FileStore, file_store
from copnet.core.uploads import DOCX, JPEG, ODT, PDF, PNG

from .errors import EvaluationError, EvaluationErrorCode

ALLOWED = (PDF, PNG, JPEG, DOCX, ODT)
EXTENSIONS = {mime: uploads.EXTENSIONS[mime] for mime in ALLOWED}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.odt"
# A document package may unpack to at most this much, in at most this many parts (zip bombs).
MAX_UNPACKED = uploads.MAX_UNPACKED
MAX_PARTS = uploads.MAX_PARTS


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    filename: str
    mime: str
    sha256: str


def vault() -> FileStore:
    return file_store("evaluation-files", settings.EVALUATION_FILES_ROOT)


def check_document(data: bytes, filename: str) -> CheckedFile:
    """Accept PDF, PNG, JPEG, DOCX or ODT by content (the name and browser type are ignored)."""
    limit = settings.EVALUATION_FILE_MAX_BYTES
    try:
        checked = uploads.check_upload(
            data,
            allowed=ALLOWED,
            max_bytes=limit,
            max_pixels=settings.EVIDENCE_MAX_PIXELS,
            max_unpacked=MAX_UNPACKED,
            max_parts=MAX_PARTS,
        )
    except uploads.UploadError as error:
        raise _document_error(error, limit) from error
    return CheckedFile(
        data=data,
        filename=safe_filename(filename, checked.mime),
        mime=checked.mime,
        sha256=checked.sha256,
    )


def _document_error(error: uploads.UploadError, limit: int) -> EvaluationError:
    if error.code == "empty":
        return EvaluationError(EvaluationErrorCode.EMPTY_FILE, _("The file is empty."), "file")
    if error.code == "too_large":
        return EvaluationError(
            EvaluationErrorCode.FILE_TOO_LARGE,
            _("The file is too big: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            "file",
        )
    return EvaluationError(
        EvaluationErrorCode.UNSUPPORTED_FILE,
        _("Only PDF, PNG, JPEG, DOCX or ODT documents can be uploaded. This file is not one."),
        "file",
    )


def safe_filename(filename: str, mime: str) -> str:
    """A display name without paths or control characters, with the extension of its real type."""
    return uploads.safe_filename(filename, EXTENSIONS[mime], default="document")


def store(checked: CheckedFile) -> str:
    return vault().store(checked.data)


def read(blob_path: str) -> bytes:
    return vault().read(blob_path)


def delete(blob_path: str) -> None:
    vault().delete(blob_path)
