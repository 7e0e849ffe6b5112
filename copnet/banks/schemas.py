from __future__ import annotations

from ninja import Field, Schema

VPDQ_MAX_CHARS = 2_000_000


class HashItem(Schema):
    signal_type: str = Field(
        ..., max_length=16, description="`pdq`, `md5`, `sha256` (images, files) or `vpdq` (video)."
    )
    value: str = Field(
        ...,
        max_length=VPDQ_MAX_CHARS,
        description="The hash in hexadecimal. For `vpdq`, a video's frame hashes in one of "
        "three forms: a vPDQ hash file body (one frame a line: `frame_number,quality,pdq_hex,"
        "timestamp`, as the `vpdq` tools write it; the error names the first bad line), one "
        "line of `pdq_hex,quality,timestamp` frames joined by `;`, or a JSON list of "
        "`pdq_hex,quality,timestamp` strings (python-threatexchange's form). At most "
        "100,000 frames.",
    )


class HashMatchIn(Schema):
    hashes: list[HashItem] = Field(..., min_length=1, max_length=1000)


class UrlMatchIn(Schema):
    urls: list[str] = Field(..., min_length=1, max_length=1000)


class TextClassifyIn(Schema):
    texts: list[str] = Field(..., min_length=1, max_length=1000)


class ItemErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class FrameMatchOut(Schema):
    query_time: float = Field(description="Seconds into the queried video.")
    query_frame: int
    target_time: float = Field(description="Seconds into the banked video; -1 for an image.")
    target_frame: int = Field(description="-1 for an image.")
    distance: int


class HashMatchItem(Schema):
    bank: str
    signal_type: str = Field(
        description="The matched entry's: for a `vpdq` query, `vpdq` (a banked video) or "
        "`pdq` (an image one of the video's frames matches)."
    )
    distance: int = Field(description="PDQ bits; for a video the nearest matched frame's.")
    bank_kind: str
    suppressed_by: str | None = None
    reason: str | None = None
    query_pct: float | None = Field(
        None,
        description="`vpdq` queries: share (%) of the query's usable frames found in the "
        "banked video (or matching the image).",
    )
    target_pct: float | None = Field(
        None,
        description="`vpdq` queries: share (%) of the banked video's frames found in the query.",
    )
    usable_frames: int | None = Field(
        None, description="`vpdq` queries: the query's frames that took part (quality >= 50)."
    )
    frames: list[FrameMatchOut] | None = Field(
        None, description="`vpdq` queries: the matched frames (at most 50), each with its nearest."
    )


class HashResult(Schema):
    matches: list[HashMatchItem]
    error: ItemErrorOut | None = None


class HashMatchOut(Schema):
    results: list[HashResult]


class UrlMatchItem(Schema):
    list: str
    pattern: str
    kind: str
    category: str


class UrlResult(Schema):
    matches: list[UrlMatchItem]
    error: ItemErrorOut | None = None


class UrlMatchOut(Schema):
    results: list[UrlResult]


class SpanOut(Schema):
    start: int
    end: int
    category: str


class TextResult(Schema):
    scores: dict[str, float]
    spans: list[SpanOut]
    suggested_category: str | None


class TextClassifyOut(Schema):
    results: list[TextResult]
