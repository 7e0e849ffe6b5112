"""Request bodies over the limit are refused on their declared size, before they are read:
413 with the JSON error body on the API, a translated page elsewhere; 411 without a length."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from copnet.core.management.commands.runplatform import web_command
from copnet.reports.models import Report

ROOT = Path(__file__).resolve().parents[3]
MB = 1024 * 1024


def _post(client, path, *, length, content_type="multipart/form-data; boundary=x", **extra):
    return client.generic(
        "POST", path, b"--x--\r\n", content_type=content_type, CONTENT_LENGTH=str(length), **extra
    )


def test_the_default_limit_fits_ten_evidence_pictures_and_the_form(settings):
    pictures = settings.EVIDENCE_MAX_IMAGES * settings.EVIDENCE_MAX_BYTES
    assert pictures < settings.REQUEST_BODY_LIMITS["/"] <= pictures + 2 * MB
    assert settings.REQUEST_BODY_LIMITS["/api/"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.django_db
def test_an_oversized_form_post_gets_a_translated_413_page(client):
    response = _post(client, "/report/", length=150 * MB)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == "vi"
    assert "quá lớn" in response.content.decode()
    english = _post(client, "/report/", length=150 * MB, HTTP_ACCEPT_LANGUAGE="en")
    assert "too large: at most 101 MB" in english.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_an_oversized_api_body_gets_the_json_413(client):
    response = _post(
        client, "/api/v1/reports/bulk", length=13 * MB, content_type="application/json"
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert body["field"] is None
    assert "12" in body["message"]


@pytest.mark.django_db
def test_a_body_within_the_limit_goes_through(client, settings):
    response = _post(client, "/api/v1/reports/bulk", length=settings.MAX_API_REQUEST_BYTES)
    assert response.status_code == 401  # reached the API, which wants a key


@pytest.mark.django_db
def test_the_limit_is_configurable_per_path_prefix(client, settings):
    settings.REQUEST_BODY_LIMITS = {"/": 10 * MB, "/report/": 1000}
    assert _post(client, "/report/", length=1001).status_code == 413
    assert _post(client, "/feed/", length=1001).status_code != 413


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/report/", "/api/v1/reports"])
def test_a_body_without_length_is_refused_with_411(client, path):
    response = client.generic(
        "POST", path, b"", content_type="text/plain", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    if path.startswith("/api/"):
        assert response.json()["code"] == "length_required"


# --- over a real socket, against gunicorn as `make run` starts it ---------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _disk_use(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


@pytest.fixture
def live_gunicorn(tmp_path):
    port = _free_port()
    spool = tmp_path / "tmp"
    spool.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # No collectstatic here: templates use the plain static storage.
    env.update(
        COPNET_DATA_DIR=str(tmp_path / "data"), TMPDIR=str(spool), COPNET_MANIFEST_STATIC="0"
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    command = web_command("127.0.0.1", port, 1)
    command[command.index("--access-logfile") + 1] = "/dev/null"
    server = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
            time.sleep(0.2)
    yield port, spool
    server.terminate()
    server.wait(timeout=30)
    log.close()


def _send_headers_then_wait(port: int, path: str, size: int, content_type: str) -> bytes:
    """Declare `size` bytes, send only the first 64 KB, and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {size}\r\nAccept-Language: en\r\n\r\n"
            ).encode()
        )
        sock.sendall(b"--x\r\n" + b"\x89PNG" + os.urandom(64 * 1024))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_150_mb_upload_is_answered_before_its_body_is_sent_and_nothing_is_spooled(
    live_gunicorn,
):
    port, spool = live_gunicorn
    before = _disk_use(spool)
    answer = _send_headers_then_wait(port, "/report/", 150 * MB, "multipart/form-data; boundary=x")
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"too large" in answer
    api = _send_headers_then_wait(port, "/api/v1/reports/bulk", 150 * MB, "application/json")
    assert api.startswith(b"HTTP/1.1 413 ")
    assert b'"code": "payload_too_large"' in api
    assert _disk_use(spool) - before < 64 * 1024
    assert not [f for f in spool.rglob("*") if f.is_file() and f.stat().st_size > 0]
