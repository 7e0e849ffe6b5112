from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from cryptography.fernet import Fernet
from django.utils import translation
from PIL import Image, ImageDraw, ImageFile, ImageOps

from copnet.core.crypto import decrypt_bytes
from copnet.core.image_headers import header_dimensions
from copnet.detection.pdq import PdqHasher
from copnet.detection.pdq import pdq_bits_to_hex as pdq_hex
from copnet.reports.evidence import (
    EvidenceError,
    EvidenceVault,
    ImageFacts,
    check_image_count,
    inspect_image,
    make_preview,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SAVE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


@pytest.fixture(autouse=True)
def _fresh_key(settings):
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


# --- builders --------------------------------------------------------------------------------


def natural_image(seed: int, size: int = 512) -> Image.Image:
    """Smooth colour gradients with a few flat shapes, like a simple photo or drawing."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    channels = []
    for _ in range(3):
        fx, fy, gx, gy = rng.uniform(0.5, 3.0, 4)
        px, py = rng.uniform(0, 2 * np.pi, 2)
        wave = np.sin(fx * np.pi * x + px) * np.cos(fy * np.pi * y + py)
        channels.append(128 + 70 * wave + 50 * (gx * x - gy * y) / 3)
    img = Image.fromarray(np.clip(np.stack(channels, axis=-1), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x0, y0 = (int(v) for v in rng.integers(0, size * 3 // 4, 2))
        w, h = (int(v) for v in rng.integers(size // 12, size // 3, 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0, y0, x0 + w, y0 + h], fill=colour)
    return img


def encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def animated(fmt: str, frames: list[Image.Image]) -> bytes:
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height; all-black rows compress to almost nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def refusal(data: bytes) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        inspect_image(data)
    return caught.value


def high_frequency_energy(img: Image.Image) -> float:
    """Mean absolute Laplacian: large for edges and writing, near zero for smooth gradients."""
    p = np.asarray(img, dtype=np.float64)
    laplacian = 4 * p[1:-1, 1:-1] - p[:-2, 1:-1] - p[2:, 1:-1] - p[1:-1, :-2] - p[1:-1, 2:]
    return float(np.abs(laplacian).mean())


def vault_file_bytes(tmp_path: Path) -> bytes:
    """A real vault file's bytes, so that only the path check can make reading it fail."""
    other = EvidenceVault(tmp_path / "other")
    return (other.root / other.store(b"outside")).read_bytes()


# --- accepted images -------------------------------------------------------------------------


@pytest.mark.parametrize("mime", list(SAVE_FORMATS))
def test_each_accepted_format_gives_its_type_size_dimensions_and_hashes(mime):
    data = encode(natural_image(1).resize((320, 200)), SAVE_FORMATS[mime])

    facts = inspect_image(data)

    assert facts.mime == mime
    assert (facts.width, facts.height) == (320, 200)
    assert facts.size == len(data)
    assert facts.frames == 1
    assert facts.sha256 == hashlib.sha256(data).hexdigest()
    assert facts.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert len(facts.pdq) == 64
    assert int(facts.pdq, 16) != 0
    assert 0 <= facts.pdq_quality <= 100
    assert inspect_image(data) == facts


def test_multi_picture_jpeg_is_accepted_as_jpeg():
    frames = [natural_image(seed, size=128) for seed in (1, 2)]
    data = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    facts = inspect_image(data)

    assert (facts.mime, facts.frames) == ("image/jpeg", 2)
    assert distance(facts.pdq, inspect_image(encode(frames[0], "JPEG")).pdq) <= 8


def test_facts_are_frozen():
    facts = inspect_image(encode(natural_image(1, size=64), "PNG"))

    assert isinstance(facts, ImageFacts)
    with pytest.raises(AttributeError):
        facts.sha256 = "0" * 64  # type: ignore[misc]


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animated_image_reports_its_frames_and_is_hashed_on_the_first(fmt):
    frames = [natural_image(seed, size=256) for seed in (1, 2, 3)]
    first_alone = inspect_image(encode(frames[0], fmt))
    second_alone = inspect_image(encode(frames[1], fmt))

    facts = inspect_image(animated(fmt, frames))

    assert facts.frames == 3
    assert (facts.width, facts.height) == (256, 256)
    assert distance(facts.pdq, first_alone.pdq) <= 8
    assert distance(facts.pdq, second_alone.pdq) > 31


def test_same_picture_saved_twice_gives_the_same_pdq_but_different_file_hashes():
    img = natural_image(1)
    fast = encode(img, "PNG", compress_level=1)
    small = encode(img, "PNG", compress_level=9)

    assert fast != small
    assert inspect_image(fast).pdq == inspect_image(small).pdq
    assert inspect_image(fast).sha256 != inspect_image(small).sha256


def test_reencoded_jpeg_stays_within_pdq_match_distance_but_another_picture_does_not():
    original = inspect_image(encode(natural_image(1), "PNG"))
    reencoded = inspect_image(encode(natural_image(1), "JPEG", quality=40))
    other = inspect_image(encode(natural_image(2), "PNG"))

    assert original.sha256 != reencoded.sha256
    assert distance(original.pdq, reencoded.pdq) <= 31
    assert distance(original.pdq, other.pdq) > 31


@pytest.mark.parametrize(
    "turn",
    [ImageOps.mirror, ImageOps.flip, lambda img: img.transpose(Image.Transpose.ROTATE_90)],
    ids=["mirror", "flip", "rotate90"],
)
def test_turned_picture_matches_one_of_the_dihedral_hashes(turn):
    img = natural_image(1)
    original = inspect_image(encode(img, "PNG"))

    turned = inspect_image(encode(turn(img), "PNG"))

    assert len(original.pdq_dihedral) == 8
    assert original.pdq_dihedral[0] == original.pdq
    assert distance(turned.pdq, original.pdq) > 31
    assert min(distance(turned.pdq, variant) for variant in original.pdq_dihedral) <= 31


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "L", "I;16"])
def test_the_vault_hashes_exactly_as_the_detection_engine(mode):
    """One PDQ pipeline: what the vault stores is what a bank match recomputes."""
    img = natural_image(3)
    if mode == "I;16":
        img = Image.fromarray(np.asarray(img.convert("L"), dtype=np.uint16) * 257)
    else:
        img = img.convert(mode)
    data = encode(img, "PNG")

    assert inspect_image(data).pdq_dihedral == PdqHasher().hash_image(data).hashes


def test_pdq_hex_has_the_threatexchange_bit_order():
    bits, _ = pdqhash.compute(np.asarray(natural_image(1)))
    # python-threatexchange's pdq_hasher: the bit string read as one big-endian binary number.
    threatexchange = f"{int(''.join(str(bit) for bit in bits), 2):064x}"

    assert pdq_hex(bits) == threatexchange
    assert pdq_hex([1] + [0] * 255) == "8" + "0" * 63
    assert pdq_hex([0] * 255 + [1]) == "0" * 63 + "1"
    assert inspect_image(encode(natural_image(1), "PNG")).pdq == threatexchange


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("L", "PNG"), ("P", "PNG"), ("RGBA", "PNG"), ("LA", "PNG"), ("CMYK", "JPEG")],
)
def test_every_pixel_mode_hashes_close_to_the_colour_picture(mode, fmt):
    img = natural_image(1)
    colour = inspect_image(encode(img, "PNG"))
    converted = img.quantize(256) if mode == "P" else img.convert(mode)
    data = encode(converted, fmt)
    assert Image.open(io.BytesIO(data)).mode == mode

    facts = inspect_image(data)

    assert distance(facts.pdq, colour.pdq) <= 16


def test_sixteen_bit_grey_png_is_scaled_not_clipped():
    grey = natural_image(1).convert("L")
    sixteen = Image.fromarray(np.asarray(grey).astype(np.uint16) * 257)
    data = encode(sixteen, "PNG")
    assert Image.open(io.BytesIO(data)).mode == "I;16"

    assert inspect_image(data).pdq == inspect_image(encode(grey, "PNG")).pdq


def test_palette_picture_with_transparency_is_accepted_without_warnings():
    img = natural_image(1, size=64).quantize(16)
    data = encode(img, "PNG", transparency=0)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        facts = inspect_image(data)
        make_preview(data)

    assert facts.mime == "image/png"
    assert caught == []


def test_one_pixel_png_is_accepted_with_the_empty_pdq_and_quality_zero():
    data = encode(Image.new("RGB", (1, 1), (200, 30, 30)), "PNG")

    facts = inspect_image(data)

    assert (facts.mime, facts.width, facts.height, facts.frames) == ("image/png", 1, 1, 1)
    # PDQ hashes nothing under 5 pixels a side: all-zero hash, quality 0.
    assert facts.pdq == "0" * 64
    assert facts.pdq_quality == 0


def test_large_picture_is_hashed_reduced_but_close_to_its_full_size_hash(monkeypatch):
    img = natural_image(1).resize((2100, 1400), Image.Resampling.BICUBIC)
    bits, _ = pdqhash.compute(np.asarray(img))
    hashed_shapes = []

    def spy(array):
        hashed_shapes.append(array.shape)
        return compute_dihedral(array)

    compute_dihedral = pdqhash.compute_dihedral
    monkeypatch.setattr(pdqhash, "compute_dihedral", spy)
    facts = inspect_image(encode(img, "PNG", compress_level=1))

    assert (facts.width, facts.height) == (2100, 1400)
    assert hashed_shapes == [(700, 1050, 3)]
    assert distance(facts.pdq, pdq_hex(bits)) <= 6


@pytest.mark.parametrize("max_bytes_offset", [0, 1])
def test_image_of_exactly_the_byte_limit_is_accepted(settings, max_bytes_offset):
    data = encode(natural_image(1, size=32), "PNG")
    settings.EVIDENCE_MAX_BYTES = len(data) + max_bytes_offset

    assert inspect_image(data).size == len(data)


@pytest.mark.parametrize("mime", list(SAVE_FORMATS))
def test_header_dimensions_agree_with_pillow(mime):
    data = encode(natural_image(1, size=64).resize((48, 30)), SAVE_FORMATS[mime])

    assert header_dimensions(mime, data) == Image.open(io.BytesIO(data)).size == (48, 30)


# --- refused files ---------------------------------------------------------------------------


def test_empty_file_is_refused():
    assert refusal(b"").code == "empty"


def test_file_one_byte_over_the_limit_is_too_large(settings):
    data = encode(natural_image(1, size=32), "PNG")
    settings.EVIDENCE_MAX_BYTES = len(data) - 1

    assert refusal(data).code == "too_large"


def test_eleven_megabyte_jpeg_is_too_large_and_says_the_limit():
    header = encode(natural_image(1, size=16), "JPEG")[:20]
    data = header + bytes(11_000_000 - len(header))

    error = refusal(data)

    assert error.code == "too_large"
    with translation.override("en"):
        assert str(error.message) == (
            "This picture is too big. Each picture can be at most 10.0\xa0MB."
        )


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
        b"BM" + bytes(100),
        b"II*\x00" + bytes(100),
    ],
    ids=["windows-exe", "svg", "svg-xml", "pdf", "bmp", "tiff"],
)
def test_files_that_are_not_accepted_image_types_are_refused(data):
    assert refusal(data).code == "unsupported_type"


@pytest.mark.parametrize(
    "data",
    [PNG_SIGNATURE + bytes(40), b"GIF89a" + bytes(7), b"RIFF\x10\x00\x00\x00WEBPJUNK" + bytes(20)],
    ids=["png", "gif", "webp"],
)
def test_files_with_image_magic_but_no_image_inside_are_refused(data):
    assert refusal(data).code == "not_an_image"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_picture_cut_in_half_is_truncated(fmt):
    data = encode(natural_image(1, size=128), fmt)

    assert refusal(data[: len(data) // 2]).code == "truncated"


@pytest.mark.parametrize("side", [20_000, 10_000, 6_400])
def test_png_claiming_too_many_pixels_is_refused_fast_without_decoding(monkeypatch, side):
    data = bomb_png(side, side)
    assert len(data) < 100_000

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = refusal(data)

    assert error.code == "decompression_bomb"
    assert time.perf_counter() - started < 1.0
    assert caught == []
    with translation.override("en"):
        assert "at most 40 million pixels" in str(error.message)


def test_gif_whose_first_frame_grows_past_the_screen_is_a_decompression_bomb():
    data = bytearray(encode(natural_image(1, size=10), "GIF"))
    descriptor = data.index(b"\x2c\x00\x00\x00\x00\x0a\x00\x0a\x00")
    struct.pack_into("<HH", data, descriptor + 5, 10_000, 10_000)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = refusal(bytes(data))

    assert error.code == "decompression_bomb"
    assert caught == []


def test_jpeg_whose_frame_header_claims_too_many_pixels_is_a_decompression_bomb():
    data = bytearray(encode(natural_image(1, size=16), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 10_000, 10_000)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = refusal(bytes(data))

    assert error.code == "decompression_bomb"
    assert caught == []


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {}),
        ("PNG", {}),
        ("GIF", {}),
        ("WEBP", {}),
        ("WEBP", {"lossless": True}),
        ("WEBP", {"exif": b"Exif\x00\x00"}),
    ],
    ids=["jpeg", "png", "gif", "webp-lossy", "webp-lossless", "webp-extended"],
)
def test_pixel_limit_applies_to_every_format(settings, fmt, options):
    data = encode(natural_image(1, size=64), fmt, **options)
    settings.EVIDENCE_MAX_PIXELS = 64 * 64 - 1

    assert refusal(data).code == "decompression_bomb"
    settings.EVIDENCE_MAX_PIXELS = 64 * 64
    assert inspect_image(data).width == 64


def test_too_many_files_is_refused_above_the_setting(settings):
    settings.EVIDENCE_MAX_IMAGES = 10
    check_image_count(10)

    with pytest.raises(EvidenceError) as caught:
        check_image_count(11)

    assert caught.value.code == "too_many_files"
    with translation.override("en"):
        assert str(caught.value.message) == "You can add at most 10 pictures."


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("empty", {}),
        ("too_large", {"limit": "10 MB"}),
        ("not_an_image", {}),
        ("unsupported_type", {}),
        ("decompression_bomb", {"limit": "40"}),
        ("truncated", {}),
        ("too_many_files", {"limit": 10}),
    ],
)
def test_every_error_code_has_a_complete_message(code, params):
    error = EvidenceError(code, **params)

    with translation.override("en"):
        message = str(error.message)
    assert error.code == code
    assert "%(" not in message
    assert message.endswith(".")
    assert all(str(value) in message for value in params.values())


# --- previews --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1000, 600), (480, 288)), ((300, 900), (160, 480)), ((100, 50), (100, 50))],
)
def test_preview_is_a_greyscale_jpeg_no_bigger_than_max_side(size, expected):
    data = encode(natural_image(1).resize(size), "PNG")

    preview = Image.open(io.BytesIO(make_preview(data)))

    assert (preview.format, preview.mode) == ("JPEG", "L")
    assert preview.size == expected


def test_preview_respects_a_smaller_max_side():
    data = encode(natural_image(1), "JPEG")

    preview = Image.open(io.BytesIO(make_preview(data, max_side=120)))

    assert max(preview.size) == 120


def test_preview_is_blurred_compared_with_a_plain_greyscale_downscale():
    img = natural_image(1, size=1024)
    draw = ImageDraw.Draw(img)
    for line in range(10):
        draw.text((20, 20 + 40 * line), "Nguyen Van A 0912345678", fill="black", font_size=30)
    plain = img.convert("L")
    plain.thumbnail((480, 480))

    preview = Image.open(io.BytesIO(make_preview(encode(img, "PNG"))))

    assert preview.size == plain.size
    assert high_frequency_energy(preview) < 0.25 * high_frequency_energy(plain)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_preview_of_an_animated_picture_shows_the_first_frame(fmt):
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("white", "black", "black")]

    preview = Image.open(io.BytesIO(make_preview(animated(fmt, frames))))

    assert np.asarray(preview).mean() > 200


def test_preview_of_a_sixteen_bit_png_keeps_its_brightness():
    data = encode(Image.fromarray(np.full((64, 64), 128 * 257, dtype=np.uint16)), "PNG")

    preview = Image.open(io.BytesIO(make_preview(data)))

    assert 120 <= np.asarray(preview).mean() <= 136


def test_preview_carries_no_metadata_and_is_turned_upright():
    exif = Image.Exif()
    exif[0x010E] = "Nguyen Van A, Hanoi"
    exif[0x0112] = 6  # camera held sideways: turn 90 degrees clockwise to show
    data = encode(natural_image(1).resize((200, 100)), "JPEG", exif=exif)

    preview_bytes = make_preview(data)
    preview = Image.open(io.BytesIO(preview_bytes))

    assert b"Nguyen" not in preview_bytes
    assert dict(preview.getexif()) == {}
    assert preview.size == (100, 200)


# --- vault -----------------------------------------------------------------------------------


def test_vault_stores_encrypted_and_reads_back(tmp_path):
    vault = EvidenceVault(tmp_path / "vault")
    data = encode(natural_image(1, size=64), "PNG") + b"PLAINTEXT-MARKER"

    relative = vault.store(data)

    on_disk = (tmp_path / "vault" / relative).read_bytes()
    assert vault.read(relative) == data
    assert b"PLAINTEXT-MARKER" not in on_disk
    assert b"IHDR" not in on_disk
    assert decrypt_bytes(on_disk) == data


def test_vault_paths_follow_the_pattern_and_never_repeat(tmp_path):
    vault = EvidenceVault(tmp_path)

    first, second = vault.store(b"a"), vault.store(b"a")

    assert first != second
    for relative in (first, second):
        top, middle, name = relative.split("/")
        assert name.endswith(".bin")
        assert len(name) == 36
        assert name.startswith(top + middle)


def test_vault_files_and_folders_are_private_and_no_temp_file_is_left(tmp_path):
    vault = EvidenceVault(tmp_path / "vault")

    relative = vault.store(b"evidence")

    path = tmp_path / "vault" / relative
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "vault").stat().st_mode) == 0o700
    assert os.listdir(path.parent) == [path.name]


def test_vault_defaults_to_the_evidence_root_setting(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"

    relative = EvidenceVault().store(b"evidence")

    assert (tmp_path / "evidence" / relative).is_file()


def test_vault_delete_removes_the_file_and_tolerates_a_missing_one(tmp_path):
    vault = EvidenceVault(tmp_path)
    relative = vault.store(b"evidence")

    vault.delete(relative)
    vault.delete(relative)

    assert not (tmp_path / relative).exists()
    with pytest.raises(FileNotFoundError):
        vault.read(relative)


@pytest.mark.parametrize(
    "relative",
    [
        "../x",
        "/etc/passwd",
        "aa/bb/../../x.bin",
        "../../" + "a" * 32 + ".bin",
        "aa/bb/" + "cc" * 16 + ".bin",
        "AA/BB/" + "aabb" + "C" * 28 + ".bin",
        "aa/bb/aabb" + "c" * 28 + ".txt",
        "aa\\bb\\aabb" + "c" * 28 + ".bin",
        "aa/bb/aabb" + "c" * 28 + ".bin\n",
        "",
    ],
)
def test_vault_refuses_path_tricks(tmp_path, relative):
    vault = EvidenceVault(tmp_path / "vault")
    outside = tmp_path / "x"
    outside.write_bytes(b"keep me")

    with pytest.raises(ValueError, match="vault"):
        vault.read(relative)
    with pytest.raises(ValueError, match="vault"):
        vault.delete(relative)
    assert outside.read_bytes() == b"keep me"


def test_vault_refuses_non_string_paths(tmp_path):
    with pytest.raises(ValueError, match="vault"):
        EvidenceVault(tmp_path).read(Path("aa/bb/aabb" + "c" * 28 + ".bin"))  # type: ignore[arg-type]


def test_vault_refuses_a_file_symlinked_outside_the_root(tmp_path):
    vault = EvidenceVault(tmp_path / "vault")
    outside = tmp_path / "secret.bin"
    outside.write_bytes(token := vault_file_bytes(tmp_path))
    relative = "ab/cd/abcd" + "e" * 28 + ".bin"
    (tmp_path / "vault" / "ab" / "cd").mkdir(parents=True)
    (tmp_path / "vault" / relative).symlink_to(outside)

    with pytest.raises(ValueError, match="vault"):
        vault.read(relative)
    with pytest.raises(ValueError, match="vault"):
        vault.delete(relative)
    assert outside.read_bytes() == token


def test_vault_refuses_a_folder_symlinked_outside_the_root(tmp_path):
    vault = EvidenceVault(tmp_path / "vault")
    elsewhere = tmp_path / "elsewhere" / "cd"
    elsewhere.mkdir(parents=True)
    relative = "ab/cd/abcd" + "e" * 28 + ".bin"
    (elsewhere / ("abcd" + "e" * 28 + ".bin")).write_bytes(vault_file_bytes(tmp_path))
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "ab").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(ValueError, match="vault"):
        vault.read(relative)
    with pytest.raises(ValueError, match="vault"):
        vault.delete(relative)
    assert (elsewhere / ("abcd" + "e" * 28 + ".bin")).exists()
