from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from .. import files
from ..models.evaluation import StoredFile


def file_response(stored: StoredFile) -> HttpResponse:
    """An uploaded file, always as a download (never rendered inline by the browser)."""
    try:
        data = files.read(stored.blob_path)
    except FileNotFoundError as error:  # gone from the file store
        raise Http404 from error
    response = HttpResponse(data, content_type=stored.mime)
    # Always a header for an attachment (None only for an inline file without a name).
    response["Content-Disposition"] = (
        content_disposition_header(True, stored.filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
