"""Encrypted file stores: one interface for everything that keeps files (report evidence,
evaluation documents), on the local disk by default or on an S3-compatible object store when
EVIDENCE_STORAGE_URL is set (several web and worker hosts then share the same files).

COPNet encrypts every file (Fernet, `core.crypto`) before it leaves the process, so the disk or
the object store only ever holds ciphertext. The store generates the keys itself,
`<2 hex>/<2 hex>/<32 hex>.bin` on every backend, so a row's path stays valid when files move
from one backend to the other; any other key is refused with ValueError.

A file is written before the row that names it is committed. If the process dies in between,
the file has no row: `core.orphans` lists each store (`pages()`) and removes such files once
they are older than a grace period.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copnet.core.crypto import decrypt_bytes, encrypt_bytes
from copnet.core.storage_url import S3Location, parse_storage_url

KEY_PATTERN = re.compile(r"(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P=a)(?P=b)[0-9a-f]{28}\.bin")
PAGE_SIZE = 1000  # keys per listing page and per batch delete (the S3 maximum)
_TEMP_PREFIX, _TEMP_SUFFIX = ".", ".tmp"


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: dt.datetime  # aware (UTC)


def new_key() -> str:
    name = uuid.uuid4().hex
    return f"{name[:2]}/{name[2:4]}/{name}.bin"


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"Not an evidence vault path: {key!r}")
    return key


class FileStore(ABC):
    """Write-once encrypted files under keys the store generates."""

    def store(self, data: bytes) -> str:
        """Encrypt and write `data` under a new key; returns the key."""
        key = new_key()
        self.write_raw(key, encrypt_bytes(data))
        return key

    def read(self, key: str) -> bytes:
        """The decrypted content; FileNotFoundError when there is no such file."""
        return decrypt_bytes(self.read_raw(key))

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.delete(key)

    @abstractmethod
    def write_raw(self, key: str, token: bytes) -> None:
        """Write already encrypted bytes (a Fernet token) under `key`."""

    @abstractmethod
    def read_raw(self, key: str) -> bytes:
        """The stored (encrypted) bytes."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""

    @abstractmethod
    def pages(self) -> Iterator[list[StoredObject]]:
        """Every file of the store, in pages of at most PAGE_SIZE."""

    @abstractmethod
    def remove_partial_writes(self, *, before: dt.datetime) -> int:
        """Remove writes that never completed and started before `before`; returns how many."""


class LocalFileStore(FileStore):
    """Files under `root` (folders 0700, files 0600), written to a temporary name, synced and
    renamed, so a reader never sees half a file. A key that leaves the root (a symlink on the
    way) is refused with ValueError."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def write_raw(self, key: str, token: bytes) -> None:
        path = self._path(key)
        folder = path.parent
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        path = self._path(key)  # again, now that the folders exist: no symlink on the way
        fd, temp = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(token)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        _fsync_directory(folder)

    def read_raw(self, key: str) -> bytes:
        fd = os.open(self._path(key), os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def pages(self) -> Iterator[list[StoredObject]]:
        page: list[StoredObject] = []
        for folder in self._folders():
            for entry in _entries(folder):
                key = f"{folder.parent.name}/{folder.name}/{entry.name}"
                if KEY_PATTERN.fullmatch(key) and entry.is_file(follow_symlinks=False):
                    page.append(StoredObject(key, _mtime(entry)))
                    if len(page) >= PAGE_SIZE:
                        yield page
                        page = []
        if page:
            yield page

    def remove_partial_writes(self, *, before: dt.datetime) -> int:
        removed = 0
        for folder in self._folders():
            for entry in _entries(folder):
                if (
                    entry.name.startswith(_TEMP_PREFIX)
                    and entry.name.endswith(_TEMP_SUFFIX)
                    and entry.is_file(follow_symlinks=False)
                    and _mtime(entry) < before
                ):
                    with suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
        return removed

    def _folders(self) -> Iterator[Path]:
        """The `<2 hex>/<2 hex>` folders, never following a symlink."""
        for top in _entries(self.root):
            if len(top.name) == 2 and top.is_dir(follow_symlinks=False):
                for middle in _entries(Path(top.path)):
                    if len(middle.name) == 2 and middle.is_dir(follow_symlinks=False):
                        yield Path(middle.path)

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise ValueError(f"Not an evidence vault path: {key!r}")
        path = self.root / key
        if not path.resolve().is_relative_to(self.root.resolve()) or path.is_symlink():
            raise ValueError(f"Evidence vault path leaves the vault: {key!r}")
        return path


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    # A list, not the live iterator: the sweep deletes entries of the folder it walks.
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _mtime(entry: os.DirEntry[str]) -> dt.datetime:
    return dt.datetime.fromtimestamp(entry.stat(follow_symlinks=False).st_mtime, tz=dt.UTC)


def _fsync_directory(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3FileStore(FileStore):
    """Files in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...) under
    `<url prefix><area>/<key>`; one PUT per file (S3 never shows a partly written object)."""

    def __init__(self, location: S3Location, area: str, client: Any) -> None:
        self.location = location
        self.prefix = f"{location.prefix}{area}/"
        self.client = client

    def write_raw(self, key: str, token: bytes) -> None:
        self.client.put_object(
            Bucket=self.location.bucket,
            Key=self.prefix + check_key(key),
            Body=token,
            ContentType="application/octet-stream",
        )

    def read_raw(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(
                Bucket=self.location.bucket, Key=self.prefix + check_key(key)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                raise FileNotFoundError(key) from error
            raise
        with answer["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.location.bucket, Key=self.prefix + check_key(key))

    def delete_many(self, keys: Iterable[str]) -> None:
        names = [self.prefix + check_key(key) for key in keys]
        for start in range(0, len(names), PAGE_SIZE):
            answer = self.client.delete_objects(
                Bucket=self.location.bucket,
                Delete={"Objects": [{"Key": n} for n in names[start : start + PAGE_SIZE]]},
            )
            failed = [e for e in answer.get("Errors", []) if e.get("Code") != "NoSuchKey"]
            if failed:
                raise OSError(f"object store refused to delete {len(failed)} file(s): {failed[0]}")

    def pages(self) -> Iterator[list[StoredObject]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for answer in paginator.paginate(
            Bucket=self.location.bucket,
            Prefix=self.prefix,
            PaginationConfig={"PageSize": PAGE_SIZE},
        ):
            page = [
                StoredObject(obj["Key"][len(self.prefix) :], obj["LastModified"])
                for obj in answer.get("Contents", [])
                if KEY_PATTERN.fullmatch(obj["Key"][len(self.prefix) :])
            ]
            if page:
                yield page

    def remove_partial_writes(self, *, before: dt.datetime) -> int:
        return 0  # a PUT is atomic: there is no partly written object to remove


def copy_files(source: FileStore, target: FileStore) -> tuple[int, int]:
    """Copy every file of `source` that `target` lacks, as stored (still encrypted), under the
    same key; returns (copied, already there). Safe to run again after an interruption."""
    present = {item.key for page in target.pages() for item in page}
    copied = skipped = 0
    for page in source.pages():
        for item in page:
            if item.key in present:
                skipped += 1
                continue
            target.write_raw(item.key, source.read_raw(item.key))
            copied += 1
    return copied, skipped


# --- Which store -------------------------------------------------------------------------------

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def file_store(area: str, local_root: Path | str) -> FileStore:
    """The configured store for `area` ("evidence", "evaluation-files"): the object store when
    EVIDENCE_STORAGE_URL is set, else the local folder `local_root`."""
    from django.conf import settings

    url = getattr(settings, "EVIDENCE_STORAGE_URL", "")
    if not url:
        return LocalFileStore(local_root)
    location = parse_storage_url(url)
    return S3FileStore(location, area, s3_client(location))


def s3_client(location: S3Location) -> Any:
    """One boto3 client per configuration and process (clients are thread-safe, but their
    connection pools must not cross a fork)."""
    from django.conf import settings

    access_key = settings.EVIDENCE_STORAGE_ACCESS_KEY_ID or None
    secret_key = settings.EVIDENCE_STORAGE_SECRET_ACCESS_KEY or None
    cache_key = (location, access_key, secret_key, os.getpid())
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            client = _clients[cache_key] = _new_client(location, access_key, secret_key)
        return client


def _new_client(location: S3Location, access_key: str | None, secret_key: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": location.addressing_style},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=20,
        # MinIO and Ceph releases before 2025 reject the CRC checksums that boto3 sends by
        # default since 1.36; send them only where S3 requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=location.endpoint_url,
        region_name=location.region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        verify=location.verify,
        config=config,
    )
