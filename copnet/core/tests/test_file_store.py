"""The file store interface behaves the same on the local vault and on the object store: COPNet
encrypts before writing, keys are its own, listing and deleting touch only its own files."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from cryptography.fernet import Fernet

from copnet.core import filestore
from copnet.core.crypto import decrypt_bytes
from copnet.core.testing_storage import stored_keys
from copnet.evaluations import files as evaluation_files
from copnet.reports.evidence import evidence_store

pytestmark = pytest.mark.usefixtures("file_storage")

SECRET = b"PLAINTEXT-MARKER \x89PNG child's picture"


@pytest.fixture(autouse=True)
def _fresh_key(settings):
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def raw_object(file_storage, settings, s3_server_or_none, key: str) -> bytes:
    """The bytes as the disk or the object store holds them, read around COPNet."""
    if file_storage == "local":
        return (settings.EVIDENCE_ROOT / key).read_bytes()
    location = filestore.parse_storage_url(settings.EVIDENCE_STORAGE_URL)
    answer = s3_server_or_none.client().get_object(
        Bucket=location.bucket, Key=f"{location.prefix}evidence/{key}"
    )
    return answer["Body"].read()


@pytest.fixture
def s3_server_or_none(request, file_storage):
    return request.getfixturevalue("s3_server") if file_storage == "s3" else None


def test_a_file_reads_back_and_is_stored_only_encrypted(file_storage, settings, s3_server_or_none):
    store = evidence_store()

    key = store.store(SECRET)

    assert store.read(key) == SECRET
    raw = raw_object(file_storage, settings, s3_server_or_none, key)
    assert b"PLAINTEXT-MARKER" not in raw
    assert b"PNG" not in raw
    assert decrypt_bytes(raw) == SECRET
    assert store.read_raw(key) == raw


def test_on_the_object_store_nothing_is_written_to_the_local_disk(file_storage, settings):
    evidence_store().store(SECRET)
    evaluation_files.vault().store(SECRET)

    local = file_storage == "local"
    assert settings.EVIDENCE_ROOT.exists() is local
    assert settings.EVALUATION_FILES_ROOT.exists() is local


def test_keys_are_new_each_time_and_follow_the_pattern():
    store = evidence_store()

    first, second = store.store(b"same"), store.store(b"same")

    assert first != second
    assert filestore.KEY_PATTERN.fullmatch(first)
    assert stored_keys(store) == {first, second}


def test_a_missing_file_is_file_not_found_and_deleting_it_is_harmless():
    store = evidence_store()
    key = store.store(b"x")

    store.delete(key)
    store.delete(key)
    store.delete_many([key])

    with pytest.raises(FileNotFoundError):
        store.read(key)
    assert stored_keys(store) == set()


@pytest.mark.parametrize(
    "key",
    ["../x", "/etc/passwd", "aa/bb/../../x.bin", "AA/BB/aabb" + "C" * 28 + ".bin", "", "a" * 40],
)
def test_keys_the_store_did_not_make_are_refused(key):
    store = evidence_store()

    for call in (store.read, store.delete, lambda k: store.write_raw(k, b"token")):
        with pytest.raises(ValueError, match="vault"):
            call(key)
    with pytest.raises(ValueError, match="vault"):
        store.delete_many([key])


def test_listing_and_batch_deletes_go_page_by_page(monkeypatch):
    monkeypatch.setattr(filestore, "PAGE_SIZE", 3)
    store = evidence_store()
    keys = [store.store(f"file {i}".encode()) for i in range(8)]

    pages = list(store.pages())

    assert [len(page) for page in pages] == [3, 3, 2]
    assert {item.key for page in pages for item in page} == set(keys)
    store.delete_many(keys[:7])
    assert stored_keys(store) == {keys[7]}


def test_evidence_and_evaluation_files_are_kept_apart():
    evidence = evidence_store().store(b"evidence")
    document = evaluation_files.vault().store(b"document")

    assert stored_keys(evidence_store()) == {evidence}
    assert stored_keys(evaluation_files.vault()) == {document}
    with pytest.raises(FileNotFoundError):
        evidence_store().read(document)


def test_files_the_store_did_not_write_are_never_listed(file_storage, settings, request):
    store = evidence_store()
    own = store.store(b"own")
    if file_storage == "local":
        (settings.EVIDENCE_ROOT / own).parent.joinpath("notes.txt").write_bytes(b"not ours")
        (settings.EVIDENCE_ROOT / "README").write_bytes(b"not ours")
    else:
        server = request.getfixturevalue("s3_server")
        location = filestore.parse_storage_url(settings.EVIDENCE_STORAGE_URL)
        for name in (
            f"{location.prefix}evidence/README",
            f"{location.prefix}evidence-old/{own}",
            f"other/evidence/{own}",
        ):
            server.client().put_object(Bucket=location.bucket, Key=name, Body=b"not ours")

    assert stored_keys(store) == {own}


def test_unfinished_writes_are_removed_only_when_old(settings, file_storage):
    store = evidence_store()
    key = store.store(b"done")
    if file_storage == "s3":  # a PUT is atomic: never a partly written object
        assert store.remove_partial_writes(before=dt.datetime.now(dt.UTC)) == 0
        assert stored_keys(store) == {key}
        return
    folder = (settings.EVIDENCE_ROOT / key).parent
    old, fresh = folder / ".abc123.tmp", folder / ".def456.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    os.utime(old, (an_hour_ago.timestamp(), an_hour_ago.timestamp()))

    removed = store.remove_partial_writes(before=an_hour_ago + dt.timedelta(minutes=1))

    assert removed == 1
    assert not old.exists()
    assert fresh.exists()
    assert stored_keys(store) == {key}
