"""Test helpers for the file stores. `LocalS3Server` is a real S3 API server: moto's standalone
server (`moto_server`) as a subprocess on a free local port, so the object-store code is tested
over HTTP against the S3 protocol with nothing installed or started beside the test suite."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REGION = "us-east-1"
ACCESS_KEY = "copnet-test"
SECRET_KEY = "copnet-test-secret"  # noqa: S105 - moto accepts any credentials


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalS3Server:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def client(self) -> Any:
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        bucket = f"copnet-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def storage_url(self, bucket: str, prefix: str = "copnet") -> str:
        return f"s3://{bucket}/{prefix}?endpoint_url={self.endpoint}&region={REGION}"

    @classmethod
    @contextmanager
    def running(cls, log_file: Path, *, timeout: float = 60) -> Iterator[LocalS3Server]:
        port = _free_port()
        endpoint = f"http://127.0.0.1:{port}"
        with open(log_file, "wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + timeout
                while True:
                    if process.poll() is not None:
                        raise RuntimeError(f"moto_server exited: {log_file.read_text()[-2000:]}")
                    try:
                        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310
                            break
                    except urllib.error.HTTPError:
                        break  # it answers
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                yield cls(endpoint)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def stored_keys(store: Any) -> set[str]:
    """Every key a file store lists (its files, whatever backend)."""
    return {item.key for page in store.pages() for item in page}
