"""Parsing EVIDENCE_STORAGE_URL: where encrypted files go when not on the local disk (no Django).

    s3://BUCKET[/PREFIX][?endpoint_url=URL&region=NAME&addressing_style=path|virtual|auto
                         &verify=true|false&ca_bundle=PATH]

Credentials never go in the URL: they come from EVIDENCE_STORAGE_ACCESS_KEY_ID /
EVIDENCE_STORAGE_SECRET_ACCESS_KEY (or their `_FILE` forms), else from boto3's usual chain
(AWS_ACCESS_KEY_ID, ~/.aws, an instance role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# S3's rules for bucket names (MinIO and Ceph follow them): 3-63 lowercase letters, digits,
# dots and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_PART = re.compile(r"[A-Za-z0-9._-]+")
_OPTIONS = {"endpoint_url", "region", "addressing_style", "verify", "ca_bundle"}
_STYLES = {"auto", "path", "virtual"}


class StorageUrlError(ValueError):
    pass


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or "a/b/" (always ending with "/")
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str = "auto"
    verify: bool | str = True  # False, True or the path of a CA bundle


def parse_storage_url(url: str) -> S3Location:
    parts = urlsplit(url.strip())
    if parts.scheme != "s3":
        raise StorageUrlError("EVIDENCE_STORAGE_URL must start with s3://")
    if "@" in parts.netloc or parts.password or parts.username:
        raise StorageUrlError(
            "EVIDENCE_STORAGE_URL must not contain credentials: use "
            "EVIDENCE_STORAGE_ACCESS_KEY_ID and EVIDENCE_STORAGE_SECRET_ACCESS_KEY"
        )
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket):
        raise StorageUrlError(f"EVIDENCE_STORAGE_URL: {bucket!r} is not a valid bucket name")
    pieces = [p for p in parts.path.split("/") if p]
    if any(not _PREFIX_PART.fullmatch(p) or p in {".", ".."} for p in pieces):
        raise StorageUrlError("EVIDENCE_STORAGE_URL: the prefix may hold only A-Z a-z 0-9 . _ -")
    prefix = "".join(f"{p}/" for p in pieces)
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = set(query) - _OPTIONS
    if unknown:
        raise StorageUrlError(f"EVIDENCE_STORAGE_URL: unknown option(s) {sorted(unknown)}")
    options = {name: values[-1] for name, values in query.items()}
    endpoint = options.get("endpoint_url") or None
    if endpoint is not None and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise StorageUrlError("EVIDENCE_STORAGE_URL: endpoint_url must be an http(s) URL")
    style = options.get("addressing_style") or ("path" if endpoint else "auto")
    if style not in _STYLES:
        raise StorageUrlError("EVIDENCE_STORAGE_URL: addressing_style is path, virtual or auto")
    verify: bool | str = True
    word = options.get("verify", "true").lower()
    if word not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise StorageUrlError("EVIDENCE_STORAGE_URL: verify is true or false")
    if word in {"0", "false", "no", "off"}:
        verify = False
    if options.get("ca_bundle"):
        verify = options["ca_bundle"]
    return S3Location(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=endpoint,
        region=options.get("region") or None,
        addressing_style=style,
        verify=verify,
    )
