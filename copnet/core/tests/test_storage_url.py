"""EVIDENCE_STORAGE_URL: what it accepts, and a bad one stops the platform at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copnet.core.storage_url import S3Location, StorageUrlError, parse_storage_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://copnet-evidence", S3Location("copnet-evidence", "")),
        (
            "s3://copnet-evidence/prod/vn?region=ap-southeast-1",
            S3Location("copnet-evidence", "prod/vn/", region="ap-southeast-1"),
        ),
        (
            "s3://evidence/copnet/?endpoint_url=http://127.0.0.1:9000&region=us-east-1",
            S3Location(
                "evidence",
                "copnet/",
                endpoint_url="http://127.0.0.1:9000",
                region="us-east-1",
                addressing_style="path",
            ),
        ),
        (
            "s3://evidence?endpoint_url=https://rgw.example.vn&addressing_style=virtual"
            "&ca_bundle=/etc/ssl/ca.pem",
            S3Location(
                "evidence",
                "",
                endpoint_url="https://rgw.example.vn",
                addressing_style="virtual",
                verify="/etc/ssl/ca.pem",
            ),
        ),
        (
            "s3://evidence?endpoint_url=https://minio.lan:9000&verify=false",
            S3Location(
                "evidence",
                "",
                endpoint_url="https://minio.lan:9000",
                addressing_style="path",
                verify=False,
            ),
        ),
    ],
)
def test_good_urls_are_understood(url, expected):
    assert parse_storage_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://bucket/prefix", "s3://"),
        ("s3://KEY:SECRET@bucket", "credentials"),
        ("s3://ab", "bucket name"),
        ("s3://Bucket_Name", "bucket name"),
        ("s3://bucket/../x", "prefix"),
        ("s3://bucket/a b", "prefix"),
        ("s3://bucket?endpoint=http://x", "unknown option"),
        ("s3://bucket?endpoint_url=ftp://x", "http"),
        ("s3://bucket?addressing_style=sideways", "addressing_style"),
        ("s3://bucket?verify=maybe", "verify"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(StorageUrlError, match=message):
        parse_storage_url(url)


def test_the_platform_refuses_to_start_with_a_bad_url(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(COPNET_DATA_DIR=str(tmp_path), EVIDENCE_STORAGE_URL="s3://KEY:SECRET@evidence")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "must not contain credentials" in result.stderr
    assert "KEY:SECRET" not in result.stderr  # the URL itself is never echoed
