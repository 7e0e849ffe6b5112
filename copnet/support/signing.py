"""HMAC-SHA256 signatures of the hotline link, both ways.

A request carries `X-COPNet-Timestamp` (Unix seconds) and `X-COPNet-Signature: t=<ts>,v1=<hex>`
where hex = HMAC-SHA256(secret, "<ts>." + body). A receiver checks the signature in constant
time and refuses a timestamp more than `TOLERANCE_S` away from its clock (a replay of an old
request); the event id (`X-COPNet-Event-Id`, or the post-back's `event_id`) is the idempotency
key that makes a retried delivery count once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOLERANCE_S = 300
TIMESTAMP_HEADER = "X-COPNet-Timestamp"
SIGNATURE_HEADER = "X-COPNet-Signature"
EVENT_ID_HEADER = "X-COPNet-Event-Id"
EVENT_HEADER = "X-COPNet-Event"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: float) -> str | None:
    """None when `header` signs `body` with `secret` at a timestamp within the tolerance;
    else "bad_signature" or "stale_timestamp"."""
    parts = dict(
        item.split("=", 1) for item in (header or "").split(",") if "=" in item and len(item) < 200
    )
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or len(stamp) > 12 or not given:
        return "bad_signature"
    expected = signature(secret, int(stamp), body)
    if not hmac.compare_digest(expected, given.strip().lower()):
        return "bad_signature"
    if abs(now - int(stamp)) > TOLERANCE_S:
        return "stale_timestamp"
    return None
