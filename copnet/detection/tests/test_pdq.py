"""PDQ: hex validation, the exact Hamming index against brute force, and image hashing."""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib

import numpy as np
import pdqhash
import pytest
from PIL import Image, ImageDraw, ImageFilter

from copnet.detection import pdq
from copnet.detection.base import Match, SignalError
from copnet.detection.pdq import (
    PdqHasher,
    PdqIndex,
    PdqQueryResult,
    PdqSignal,
    pdq_bits_to_hex,
)

BANK_SIZE = 20_000  # more than the scan limit, so the bucket tables are used


# --- helpers ---------------------------------------------------------------------------------


def random_codes(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, 32), dtype=np.uint8)


def flip_bits(code: np.ndarray, distance: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, size=distance, replace=False)] ^= 1
    return np.packbits(bits)


def hexes(codes: np.ndarray) -> list[str]:
    return [row.tobytes().hex() for row in codes]


def brute_force(bank: np.ndarray, query: np.ndarray, threshold: int) -> list[tuple[int, int]]:
    """Every (row, distance) within threshold, by XOR and popcount over all rows."""
    dist = np.bitwise_count(bank.view(np.uint64) ^ query.view(np.uint64)).sum(axis=1)
    rows = np.flatnonzero(dist <= threshold)
    return sorted(zip(rows.tolist(), dist[rows].tolist(), strict=True))


def found(matches: list[Match[int]]) -> list[tuple[int, int]]:
    return sorted((m.entry, m.distance) for m in matches)


def clustered_codes(families: int, size: int, seed: int) -> np.ndarray:
    """Families of near-duplicates (0-20 bits from their centre), as real hash lists hold."""
    rng = np.random.default_rng(seed)
    centres = random_codes(families, seed + 1)
    rows = [flip_bits(centres[i % families], int(rng.integers(0, 21)), rng) for i in range(size)]
    return np.array(rows)


@pytest.fixture(scope="module")
def planted():
    """A random bank whose last rows sit at known distances from the first six queries."""
    rng = np.random.default_rng(7)
    bank = random_codes(BANK_SIZE, 1)
    queries = random_codes(40, 2)
    distances = [0, 1, 15, 31, 32, 40]
    near = [flip_bits(queries[i], d, rng) for i, d in enumerate(distances)]
    bank = np.concatenate([bank, np.array(near)])
    index = PdqIndex(zip(hexes(bank), range(len(bank)), strict=True))
    return bank, queries, distances, index


# --- the signal ------------------------------------------------------------------------------


def test_validate_returns_the_stripped_lower_case_hash():
    value = "AB" * 32
    assert PdqSignal().validate(f" {value}\n") == "ab" * 32


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("g" * 64, "invalid_hex"),
        ("0x" + "f" * 62, "invalid_hex"),
        ("f" * 30 + " " + "f" * 33, "invalid_hex"),
        (b"f" * 64, "invalid_hex"),
        (None, "invalid_hex"),
        ("f" * 63, "wrong_length"),
        ("f" * 65, "wrong_length"),
        ("f" * 32, "wrong_length"),
        ("", "wrong_length"),
    ],
)
def test_validate_refuses_bad_values_with_a_stable_code(value, code):
    with pytest.raises(SignalError) as error:
        PdqSignal().validate(value)
    assert error.value.code == code


def test_hamming_counts_differing_bits():
    a = "0" * 64
    b = "f" + "0" * 62 + "1"
    assert PdqSignal().hamming(a, b) == 5
    assert PdqSignal().hamming(b, b) == 0
    assert PdqSignal().hamming("0" * 64, "f" * 64) == 256


def test_hamming_refuses_an_invalid_hash():
    with pytest.raises(SignalError) as error:
        PdqSignal().hamming("0" * 64, "0" * 60)
    assert error.value.code == "wrong_length"


def test_hex_puts_pdqhash_first_bit_in_the_first_digit():
    bits = np.zeros(256, dtype=np.int64)
    bits[0] = 1
    bits[255] = 1
    assert pdq_bits_to_hex(bits) == "8" + "0" * 62 + "1"


def test_hex_equals_the_reference_big_integer_conversion():
    # python-threatexchange (and copnet.reports.evidence.pdq_hex) read the bit list as one
    # big-endian binary number.
    bits, _quality = pdqhash.compute(np.asarray(natural_image(3)))
    reference = format(int("".join(str(int(b)) for b in bits), 2), "064x")
    assert pdq_bits_to_hex(bits) == reference


# --- the index against brute force -----------------------------------------------------------


@pytest.mark.parametrize("threshold", [0, 1, 15, 16, 17, 31, 32, 40, 47, 48, 70])
def test_index_results_equal_brute_force(planted, threshold):
    bank, queries, _distances, index = planted
    for query in queries:
        expected = brute_force(bank, query, threshold)
        assert found(index.query(query.tobytes().hex(), threshold=threshold)) == expected


def test_planted_hashes_match_up_to_31_bits_and_not_beyond(planted):
    _bank, queries, distances, index = planted
    for i, distance in enumerate(distances):
        matches = index.query(queries[i].tobytes().hex())
        planted_match = [m for m in matches if m.entry == BANK_SIZE + i]
        assert planted_match == ([Match(BANK_SIZE + i, distance)] if distance <= 31 else [])


def test_query_many_equals_query_for_every_value(planted):
    _bank, queries, _distances, index = planted
    values = hexes(queries)
    assert index.query_many(values) == [index.query(v) for v in values]


def test_results_are_nearest_first(planted):
    bank, queries, _distances, index = planted
    matches = index.query(queries[0].tobytes().hex(), threshold=110)
    assert len(matches) > 10
    assert [m.distance for m in matches] == sorted(m.distance for m in matches)


def test_clustered_bank_results_equal_brute_force():
    bank = clustered_codes(families=300, size=BANK_SIZE, seed=11)
    rng = np.random.default_rng(12)
    queries = [flip_bits(bank[int(rng.integers(len(bank)))], int(d), rng) for d in range(32)]
    queries += list(random_codes(8, 13))
    index = PdqIndex(zip(hexes(bank), range(len(bank)), strict=True))
    answers = index.query_many([q.tobytes().hex() for q in queries])
    assert sum(len(a) for a in answers) > 500
    for query, answer in zip(queries, answers, strict=True):
        assert found(answer) == brute_force(bank, query, 31)


def test_small_index_is_scanned_and_equals_brute_force():
    bank = random_codes(300, 21)
    rng = np.random.default_rng(22)
    index = PdqIndex(zip(hexes(bank), range(300), strict=True))
    query = flip_bits(bank[5], 20, rng)
    assert found(index.query(query.tobytes().hex())) == brute_force(bank, query, 31)
    assert found(index.query(query.tobytes().hex()))[0] == (5, 20)


def test_an_empty_index_matches_nothing():
    index: PdqIndex[int] = PdqIndex()
    assert index.query("0" * 64) == []
    assert index.query_many(["0" * 64] * 40) == [[]] * 40
    assert len(index) == 0
    index.add([("0" * 64, 1)])
    index.remove([1])
    assert index.query("0" * 64) == []


def test_same_hash_with_two_entries_and_entry_with_two_hashes_are_separate_matches():
    a, b = hexes(random_codes(2, 31))
    index = PdqIndex([(a, "x"), (a, "y"), (b, "x")])
    assert index.query(a) == [Match("x", 0), Match("y", 0)]
    assert index.query(b) == [Match("x", 0)]
    assert len(index) == 3


# --- incremental updates ---------------------------------------------------------------------


def test_added_hashes_are_found_before_and_after_the_tables_are_rebuilt():
    bank = random_codes(BANK_SIZE, 41)
    rng = np.random.default_rng(42)
    index = PdqIndex(zip(hexes(bank[:12_000]), range(12_000), strict=True))
    query = flip_bits(bank[15_000], 9, rng)
    assert index.query(query.tobytes().hex()) == []
    index.add(zip(hexes(bank[12_000:16_000]), range(12_000, 16_000), strict=True))  # scanned
    assert found(index.query(query.tobytes().hex())) == brute_force(bank[:16_000], query, 31)
    index.add(zip(hexes(bank[16_000:]), range(16_000, BANK_SIZE), strict=True))  # rebuild
    assert found(index.query(query.tobytes().hex())) == brute_force(bank, query, 31)
    assert len(index) == BANK_SIZE


def test_removed_entries_are_never_returned():
    bank = random_codes(BANK_SIZE, 51)
    index = PdqIndex(zip(hexes(bank), range(BANK_SIZE), strict=True))
    index.remove([7, 8, 123_456])
    assert index.query(bank[7].tobytes().hex()) == []
    assert found(index.query(bank[9].tobytes().hex())) == [(9, 0)]
    assert len(index) == BANK_SIZE - 2


def test_mass_removal_compacts_and_still_equals_brute_force():
    bank = random_codes(BANK_SIZE, 61)
    rng = np.random.default_rng(62)
    index = PdqIndex(zip(hexes(bank), range(BANK_SIZE), strict=True))
    removed = set(range(0, BANK_SIZE, 2))
    index.remove(removed)
    kept = np.array(sorted(set(range(BANK_SIZE)) - removed))
    for row in (1, 2, 3, 4, 19_999):
        query = flip_bits(bank[row], 12, rng)
        expected = [(int(kept[r]), d) for r, d in brute_force(bank[kept], query, 31)]
        assert found(index.query(query.tobytes().hex())) == expected
    assert len(index) == BANK_SIZE // 2
    assert index.memory_bytes() < 130 * BANK_SIZE // 2 + 4_300_000


def test_re_adding_a_removed_entry_makes_it_match_again():
    (value,) = hexes(random_codes(1, 71))
    index = PdqIndex([(value, 1)])
    index.remove([1])
    index.add([(value, 1)])
    assert index.query(value) == [Match(1, 0)]
    assert len(index) == 1


def test_add_is_all_or_nothing():
    good = hexes(random_codes(3, 81))
    index = PdqIndex([(good[0], 0)])
    with pytest.raises(SignalError) as error:
        index.add([(good[1], 1), ("z" * 64, 2), (good[2], 3)])
    assert error.value.code == "invalid_hex"
    assert len(index) == 1
    assert index.query(good[1]) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [("q" * 64, "invalid_hex"), ("a" * 62, "wrong_length"), ("a " * 32, "invalid_hex")],
)
def test_queries_with_bad_values_raise_signal_errors(value, code):
    index = PdqIndex(zip(hexes(random_codes(10, 91)), range(10), strict=True))
    with pytest.raises(SignalError) as error:
        index.query(value)
    assert error.value.code == code
    with pytest.raises(SignalError) as error:
        index.query_many(["0" * 64, value])
    assert error.value.code == code


def test_upper_case_queries_match():
    (value,) = hexes(random_codes(1, 92))
    index = PdqIndex([(value.upper(), 1)])
    assert index.query(value.upper()) == [Match(1, 0)]


def test_threshold_out_of_range_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        PdqIndex(threshold=257)


def test_low_quality_hashes_are_flagged_instead_of_matched():
    (value,) = hexes(random_codes(1, 93))
    index = PdqIndex([(value, 1)])
    assert index.query_with_quality(value, 49) == PdqQueryResult(matches=[], low_quality=True)
    assert index.query_with_quality(value, 50) == PdqQueryResult(matches=[Match(1, 0)])


def test_serialized_index_answers_the_same():
    bank = random_codes(BANK_SIZE, 101)
    index = PdqIndex(zip(hexes(bank), range(BANK_SIZE), strict=True), threshold=20)
    index.remove([3])
    copy = PdqIndex.deserialize(index.serialize())
    assert copy.threshold == 20
    assert len(copy) == BANK_SIZE - 1
    values = hexes(bank[:50])
    assert copy.query_many(values) == index.query_many(values)


def test_queries_during_concurrent_adds_see_a_consistent_index():
    bank = random_codes(BANK_SIZE, 111)
    index = PdqIndex(zip(hexes(bank[:10_000]), range(10_000), strict=True))
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for start in range(10_000, BANK_SIZE, 500):
                index.add(
                    zip(hexes(bank[start : start + 500]), range(start, start + 500), strict=True)
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        assert found(index.query(bank[42].tobytes().hex())) == [(42, 0)]
    thread.join()
    assert errors == []
    assert found(index.query(bank[-1].tobytes().hex())) == [(BANK_SIZE - 1, 0)]


def test_probe_plan_is_exact_by_the_pigeonhole_bound():
    # For each threshold the plan probes q flips on the first a + 1 keys and q - 1 on the
    # others (q, a = divmod(threshold, 16)); a hash differing by more than the plan allows on
    # every key is necessarily farther than the threshold.
    for threshold in range(0, 48):
        tables, masks = pdq._probe_plan(threshold)
        allowed = np.full(16, -1)
        for table, mask in zip(tables.tolist(), masks.tolist(), strict=True):
            allowed[table] = max(allowed[table], int(mask).bit_count())
        assert int((allowed + 1).sum()) == threshold + 1
    assert pdq._probe_plan(48) is None


# --- image hashing ---------------------------------------------------------------------------


def natural_image(seed: int, size: int = 512) -> Image.Image:
    """Gradients, shapes and noise: a picture with structure at several scales."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) / size
    channels = []
    for _ in range(3):
        a, b, c = rng.uniform(-120, 120, size=3)
        wave = 40 * np.sin(rng.uniform(2, 9) * x + rng.uniform(2, 9) * y + rng.uniform(0, 6))
        channels.append(128 + a * x + b * y + c * x * y + wave)
    img = Image.fromarray(np.clip(np.stack(channels, axis=2), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x0, y0 = rng.integers(0, size - 40, size=2)
        w, h = rng.integers(30, size // 2, size=2)
        colour = tuple(int(v) for v in rng.integers(0, 256, size=3))
        box = (int(x0), int(y0), int(min(size, x0 + w)), int(min(size, y0 + h)))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    noise = rng.normal(0, 6, size=(size, size, 3))
    return Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8))


def encode(img: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def with_text(img: Image.Image) -> Image.Image:
    copy = img.copy()
    ImageDraw.Draw(copy).text((12, 470), "COPNet 2025 - report #1234", fill=(255, 255, 255))
    return copy


def crop_border(img: Image.Image) -> Image.Image:
    margin = round(img.width * 0.01)
    return img.crop((margin, margin, img.width - margin, img.height - margin))


@pytest.fixture(scope="module")
def original():
    img = natural_image(1)
    return img, PdqHasher().hash_image(encode(img))


def test_natural_image_has_eight_hashes_original_first_and_good_quality(original):
    img, result = original
    bits, quality = pdqhash.compute(np.asarray(img))
    assert len(result.hashes) == 8
    assert result.original == result.hashes[0] == pdq_bits_to_hex(bits)
    assert result.quality == quality >= 50
    assert (result.width, result.height, result.animated) == (512, 512, False)
    assert PdqHasher().hash_bytes(encode(img)) == list(result.hashes)


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda im: im.resize((256, 256), Image.Resampling.LANCZOS), id="half"),
        pytest.param(lambda im: im.resize((1024, 1024), Image.Resampling.BICUBIC), id="double"),
        pytest.param(
            lambda im: Image.open(io.BytesIO(encode(im, "JPEG", quality=40))), id="jpeg40"
        ),
        pytest.param(lambda im: im.convert("L"), id="grey"),
        pytest.param(crop_border, id="crop1pct"),
        pytest.param(with_text, id="text"),
    ],
)
def test_edited_copies_still_match_the_original(original, transform):
    img, result = original
    copy = PdqHasher().hash_image(encode(transform(img)))
    assert PdqSignal().hamming(result.original, copy.original) <= 31
    index = PdqIndex([(result.original, "original")])
    assert [m.entry for m in index.query(copy.original)] == ["original"]


def test_jpeg_bytes_at_quality_40_match(original):
    img, result = original
    copy = PdqHasher().hash_image(encode(img, "JPEG", quality=40))
    assert PdqSignal().hamming(result.original, copy.original) <= 31


@pytest.mark.parametrize(
    "turn",
    [
        Image.Transpose.FLIP_LEFT_RIGHT,
        Image.Transpose.FLIP_TOP_BOTTOM,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_180,
        Image.Transpose.ROTATE_270,
        Image.Transpose.TRANSPOSE,
    ],
    ids=lambda turn: turn.name.lower(),
)
def test_mirrored_and_rotated_copies_match_through_their_dihedral_hashes(original, turn):
    img, result = original
    copy = PdqHasher().hash_image(encode(img.transpose(turn)))
    index = PdqIndex([(result.original, "original")])
    assert index.query(copy.original) == []  # the plain hash alone does not find it
    answers = index.query_many(list(copy.hashes))
    assert min(m.distance for a in answers for m in a) <= 31


def test_a_different_image_does_not_match(original):
    _img, result = original
    other = PdqHasher().hash_image(encode(natural_image(2)))
    index = PdqIndex([(result.original, "original")])
    assert index.query_many(list(other.hashes)) == [[]] * 8
    assert PdqSignal().hamming(result.original, other.original) > 64


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"this is not an image", "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not_an_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "not_an_image"),
    ],
)
def test_non_images_are_refused(data, code):
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_image(data)
    assert error.value.code == code


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_images_are_refused(original, fmt):
    data = encode(original[0], fmt)
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_image(data[: len(data) // 2])
    assert error.value.code == "truncated"


def test_unsupported_formats_are_refused(original):
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_image(encode(original[0], "BMP"))
    assert error.value.code == "not_an_image"


def test_a_one_pixel_image_is_too_small():
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_image(encode(Image.new("RGB", (1, 1), "red")))
    assert error.value.code == "too_small"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces width x height pixels (its data is one row)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" + b"\x00" * 3 * min(width, 64))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(20_000, 20_000), (10_000, 10_000), (8_000, 8_000)])
def test_a_header_claiming_too_many_pixels_is_refused_without_decoding(size):
    data = png_claiming(*size)
    assert len(data) < 200
    started = time.perf_counter()
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_image(data)
    assert error.value.code == "too_many_pixels"
    assert time.perf_counter() - started < 1.0


def test_pixel_limit_is_configurable(original):
    with pytest.raises(SignalError) as error:
        PdqHasher(max_pixels=100_000).hash_image(encode(original[0]))
    assert error.value.code == "too_many_pixels"


def test_animated_gif_is_hashed_by_its_first_frame():
    first, second = natural_image(5, 256), natural_image(6, 256)
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
    result = PdqHasher().hash_image(out.getvalue())
    alone = PdqHasher().hash_image(encode(first, "GIF"))
    assert result.animated is True
    assert result.hashes == alone.hashes


def test_images_with_transparency_and_16_bit_greys_are_hashed():
    palette = Image.new("P", (64, 64))
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    ImageDraw.Draw(palette).rectangle((10, 10, 40, 40), fill=1)
    palette.info["transparency"] = 0
    grey16 = Image.fromarray((np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16))
    for img in (palette, natural_image(8, 64).convert("RGBA"), grey16):
        assert len(PdqHasher().hash_bytes(encode(img))) == 8


def test_large_images_are_reduced_before_hashing_and_still_match(original):
    img, result = original
    big = img.resize((4200, 4200), Image.Resampling.BICUBIC)
    copy = PdqHasher().hash_image(encode(big, "JPEG", quality=90))
    assert (copy.width, copy.height) == (4200, 4200)
    assert PdqSignal().hamming(result.original, copy.original) <= 31


def test_hash_pixels_takes_rgb_arrays_only(original):
    pixels = np.asarray(original[0])
    assert PdqHasher().hash_pixels(pixels).hashes == original[1].hashes
    with pytest.raises(SignalError) as error:
        PdqHasher().hash_pixels(pixels[:, :, 0])
    assert error.value.code == "not_an_image"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_corrupted_files_give_a_hash_or_a_signal_error(fmt):
    rng = np.random.default_rng(131)
    data = encode(natural_image(9, 96), fmt)
    outcomes = set()
    for _ in range(60):
        damaged = bytearray(data)
        if rng.random() < 0.5:
            for position in rng.integers(0, len(damaged), size=int(rng.integers(1, 8))):
                damaged[position] = int(rng.integers(0, 256))
        else:
            damaged = damaged[: int(rng.integers(1, len(damaged)))]
        try:
            outcomes.add(len(PdqHasher().hash_image(bytes(damaged)).hashes))
        except SignalError as error:
            outcomes.add(error.code)
    assert outcomes <= {8, "not_an_image", "truncated", "too_many_pixels", "too_small"}
    assert outcomes & {"not_an_image", "truncated"}
