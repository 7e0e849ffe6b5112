"""Pictures that survive a form error: a report form that comes back with an error keeps the
pictures it accepted, encrypted in the evidence store under a short-lived token; the form
shows them as "already attached" and the next send adds them. Unused ones are deleted by the
purge (`cases.privacy.purge_all`) after settings.PENDING_UPLOAD_MINUTES; a file whose row is
gone is removed by the orphan sweep (`core.orphans`)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copnet.core.crypto import lookup_hash

from .evidence import EvidenceError, evidence_store, inspect_evidence
from .models import PendingUpload

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _token_hash(token: str) -> str:
    return lookup_hash(token, purpose="pending-upload")


def valid_token(token: object) -> str:
    """The token if it has the shape we hand out, else "" (anything else is ignored)."""
    return token if isinstance(token, str) and _TOKEN.match(token) else ""


def _fresh() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.PENDING_UPLOAD_MINUTES)


def pending(token: str) -> list[PendingUpload]:
    """The pictures still kept under this token (none for an unknown or expired one)."""
    if not valid_token(token):
        return []
    return list(
        PendingUpload.objects.filter(token_hash=_token_hash(token), created_at__gte=_fresh())
    )


def keep(token: str, uploads: Iterable[Any], *, keep_ids: set[int]) -> str:
    """Keep the acceptable pictures of `uploads` under `token` (a new token when it is empty
    or unknown); pictures kept earlier stay only if their id is in `keep_ids`. Pictures the
    vault refuses are skipped (the form says why). Returns the token."""
    token = valid_token(token) or secrets.token_urlsafe(32)
    kept = pending(token)
    dropped = [row for row in kept if row.pk not in keep_ids]
    _delete(dropped)
    room = settings.EVIDENCE_MAX_IMAGES - (len(kept) - len(dropped))
    vault = evidence_store()
    for upload in list(uploads)[: max(room, 0)]:
        upload.seek(0)
        blob = upload.read()
        try:
            facts = inspect_evidence(blob)
        except EvidenceError:
            continue
        path = vault.store(blob)
        try:
            PendingUpload.objects.create(
                token_hash=_token_hash(token),
                blob_path=path,
                mime=facts.mime,
                size=facts.size,
                width=facts.width,
                height=facts.height,
            )
        except BaseException:
            vault.delete_many([path])
            raise
    return token


def take(token: str, keep_ids: set[int]) -> tuple[list[PendingUpload], list[bytes]]:
    """The kept pictures chosen to go with the report, and their bytes (decrypted)."""
    rows = [row for row in pending(token) if row.pk in keep_ids]
    vault = evidence_store()
    return rows, [vault.read(row.blob_path) for row in rows]


def discard(token: str) -> None:
    """Forget every picture kept under this token (the report was sent: it has its own
    copies), after the sending transaction commits."""
    if not valid_token(token):
        return
    rows = list(PendingUpload.objects.filter(token_hash=_token_hash(token)))
    transaction.on_commit(lambda: _delete(rows))


def _delete(rows: list[PendingUpload]) -> None:
    if not rows:
        return
    PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    try:
        evidence_store().delete_many([row.blob_path for row in rows])
    except Exception:
        logger.exception("could not remove %s pending picture(s); the orphan sweep will", len(rows))


def purge_pending_uploads(*, now: dt.datetime) -> int:
    """Delete the pictures kept longer than PENDING_UPLOAD_MINUTES (rows and files). Returns
    the rows deleted."""
    cutoff = now - dt.timedelta(minutes=settings.PENDING_UPLOAD_MINUTES)
    rows = list(PendingUpload.objects.filter(created_at__lt=cutoff))
    _delete(rows)
    return len(rows)
