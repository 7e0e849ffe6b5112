"""Width and height of JPEG, PNG, GIF and WebP files, read from their headers without decoding.

Reads what Pillow will read, so that no file reaches Pillow with more pixels than allowed.
"""

from __future__ import annotations

import struct


def header_dimensions(mime: str, data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the file header without decoding pixels; None if unreadable."""
    try:
        if mime == "image/png":
            return _png_dimensions(data)
        if mime == "image/gif":
            return _gif_dimensions(data)
        if mime == "image/webp":
            return _webp_dimensions(data)
        if mime == "image/jpeg":
            return _jpeg_dimensions(data)
    except (struct.error, IndexError):
        return None
    return None


def _png_dimensions(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


def _gif_dimensions(data: bytes) -> tuple[int, int] | None:
    # Pillow grows the canvas when the first frame lies outside the logical screen.
    width, height = struct.unpack_from("<HH", data, 6)
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x2C:  # image descriptor
            left, top, frame_width, frame_height = struct.unpack_from("<4H", data, pos + 1)
            return max(width, left + frame_width), max(height, top + frame_height)
        if block == 0x3B:  # trailer
            return None
        if block == 0x21:  # extension: label, then sub-blocks up to an empty one
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
        pos += 1  # like Pillow, skip stray bytes
    return None


def _webp_dimensions(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = struct.unpack_from("<I", data, 21)[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    return None


_JPEG_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}
_JPEG_SOF = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    # Every frame header up to the first scan counts, the largest one wins (Pillow keeps the
    # last one it reads).
    sizes: list[tuple[int, int]] = []
    pos = 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF or data[pos + 1] == 0xFF:  # like Pillow, skip junk and fill bytes
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan
            break
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, pos + 5)
            sizes.append((width, height))
        pos += 2 + length
    return max(sizes, key=lambda size: size[0] * size[1], default=None)
