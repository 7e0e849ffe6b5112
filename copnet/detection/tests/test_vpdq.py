"""vPDQ values and files, and the video index against the pairwise reference comparison."""

from __future__ import annotations

import json

import numpy as np
import pytest

from copnet.detection.base import SignalError
from copnet.detection.pdq import PdqIndex
from copnet.detection.video import VpdqFeature
from copnet.detection.vpdq import (
    VideoIndex,
    VpdqError,
    VpdqSignal,
    compare_brute,
    format_vpdq,
    iter_signal_lines,
    match_frames,
    parse_signal_file,
    parse_vpdq,
    parse_vpdq_file,
    usable_frames,
)

A = "f" * 64
B = "0" * 63 + "1"


def random_hex(rng: np.random.Generator) -> str:
    return rng.integers(0, 256, 32, dtype=np.uint8).tobytes().hex()


def flip(value: str, bits: int, rng: np.random.Generator) -> str:
    number = int(value, 16)
    for bit in rng.choice(256, size=bits, replace=False):
        number ^= 1 << int(bit)
    return f"{number:064x}"


def synthetic_bank(
    videos: int, seed: int
) -> tuple[list[list[VpdqFeature]], list[list[VpdqFeature]]]:
    """Videos of 5-40 frames (some repeated, some of low quality) and queries made of pieces
    of them (frames up to 35 bits away) mixed with unrelated frames."""
    rng = np.random.default_rng(seed)
    bank = []
    for _ in range(videos):
        frames: list[VpdqFeature] = []
        for second in range(int(rng.integers(5, 40))):
            value = frames[-1].pdq_hex if frames and rng.random() < 0.1 else random_hex(rng)
            quality = int(rng.integers(40, 101))
            frames.append(VpdqFeature(value, quality, float(second), second * 25))
        bank.append(frames)
    queries = []
    for q in range(25):
        source = bank[int(rng.integers(0, videos))]
        start = int(rng.integers(0, len(source)))
        piece = source[start : start + int(rng.integers(1, 30))]
        frames = [
            VpdqFeature(flip(f.pdq_hex, int(rng.integers(0, 36)), rng), 90, float(i), i)
            for i, f in enumerate(piece)
        ]
        frames += [VpdqFeature(random_hex(rng), 80, 100.0 + i, 0) for i in range(q % 4)]
        queries.append(frames)
    return bank, queries


# --- values and files ------------------------------------------------------------------------


def test_format_and_parse_round_trip():
    frames = (VpdqFeature(A, 100, 0.0), VpdqFeature(B, 49, 1.5))
    value = format_vpdq(frames)
    assert value == f"{A},100,0.000;{B},49,1.500"
    assert [(f.pdq_hex, f.quality, f.timestamp) for f in parse_vpdq(value)] == [
        (A, 100, 0.0),
        (B, 49, 1.5),
    ]
    assert VpdqSignal().validate(f" {A.upper()},100,0 ; ") == f"{A},100,0.000"


def test_python_threatexchange_json_values_are_read():
    value = json.dumps([f"{A},100,0.000", f"{B},60,1.000"])
    assert VpdqSignal().validate(value) == f"{A},100,0.000;{B},60,1.000"


@pytest.mark.parametrize(
    ("value", "code", "where"),
    [
        ("", "empty", ""),
        (f"{A},100,0;{A[:-1]},100,1", "invalid_vpdq", "Frame 2"),
        (f"{A},100", "invalid_vpdq", "Frame 1"),
        (f"{A},101,0", "invalid_vpdq", "quality"),
        (f"{A},x,0", "invalid_vpdq", "quality"),
        (f"{A},50,-1", "invalid_vpdq", "timestamp"),
        (f"{A},50,nan", "invalid_vpdq", "timestamp"),
        (f"{A},50,inf", "invalid_vpdq", "timestamp"),
        ("[1, 2]", "invalid_vpdq", "list of frame strings"),
        ("[not json", "invalid_vpdq", "JSON"),
    ],
)
def test_bad_values_are_refused_naming_the_frame(value, code, where):
    with pytest.raises(VpdqError) as error:
        parse_vpdq(value)
    assert error.value.code == code
    assert where in str(error.value)


def test_too_many_frames_are_refused():
    with pytest.raises(VpdqError) as error:
        parse_vpdq(";".join([f"{A},100,0"] * 100_001))
    assert error.value.code == "too_many_frames"


def test_hash_files_of_the_vpdq_tools_and_three_field_files_are_read():
    tools = f"0,100,{A},0.000\n25,90,{B},1.000\n"
    assert [(f.frame_number, f.quality, f.timestamp) for f in parse_vpdq_file(tools)] == [
        (0, 100, 0.0),
        (25, 90, 1.0),
    ]
    short = f"# made by hand\n\n{A},100,0.000\n{B},90,1.000\n"
    assert [f.pdq_hex for f in parse_vpdq_file(short)] == [A, B]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"0,100,{A},0.000\n1,100,{A[:10]},1.000\n", 2),
        (f"{A},100,0\n\n# note\n{A},100\n", 4),
        (f"0,100,{A},0.000\n1,100,{A},1.000\nx,100,{A},2\n", 3),
        (f"{A},100,0\n{A},500,1\n", 2),
    ],
)
def test_bad_lines_of_a_hash_file_are_named(text, line):
    with pytest.raises(VpdqError) as error:
        parse_vpdq_file(text)
    assert error.value.line == line
    assert str(error.value).startswith(f"line {line}: ")


def test_an_empty_hash_file_is_refused():
    with pytest.raises(VpdqError) as error:
        parse_vpdq_file("# nothing\n\n")
    assert error.value.code == "empty"


def test_signal_files_and_csv_give_line_precise_errors():
    from copnet.detection.exact import Md5Signal
    from copnet.detection.pdq import PdqSignal

    signals = [VpdqSignal(), PdqSignal(), Md5Signal()]
    good = f"{A},100,0.000;{B},90,1.000"
    text = (
        f"# exported\nvpdq {good}\npdq {A}\n\nvpdq {A},100\nmd5 {'a' * 32}\nsha1 {'a' * 40}\nvpdq\n"
    )
    rows, errors = parse_signal_file(text, signals)
    assert [(n, t) for n, t, _v in rows] == [(2, "vpdq"), (3, "pdq"), (6, "md5")]
    assert rows[0][2] == good
    assert [e.split(":")[0] for e in errors] == ["line 5", "line 7", "line 8"]
    assert "Frame 1" in errors[0]
    assert "unknown signal type 'sha1'" in errors[1]
    csv_text = f'signal_type,value,source\nvpdq,"{good}",ncmec\npdq,{A},x\nvpdq,"{A},1",y\n'
    assert [(n, t) for n, t, _v in iter_signal_lines(csv_text)] == [
        (2, "vpdq"),
        (3, "pdq"),
        (4, "vpdq"),
    ]
    rows, errors = parse_signal_file(csv_text, signals)
    assert len(rows) == 2
    assert errors[0].startswith("line 4: ")


def test_signal_file_errors_stop_at_twenty():
    rows, errors = parse_signal_file("vpdq x\n" * 50, [VpdqSignal()])
    assert rows == []
    assert len(errors) == 20


# --- matching --------------------------------------------------------------------------------


def test_usable_frames_drop_duplicates_then_low_quality():
    frames = [
        VpdqFeature(A, 40, 0.0),
        VpdqFeature(A, 90, 1.0),  # a duplicate of a low-quality frame: dropped with it
        VpdqFeature(B, 90, 2.0),
        VpdqFeature(B, 95, 3.0),
    ]
    assert [f.timestamp for f in usable_frames(frames)] == [2.0]


def test_compare_brute_is_the_published_two_way_percentage():
    rng = np.random.default_rng(1)
    base = [random_hex(rng) for _ in range(4)]
    target = [VpdqFeature(h, 100, float(i)) for i, h in enumerate(base)]
    query = [VpdqFeature(flip(base[0], 31, rng), 100, 0.0), VpdqFeature(random_hex(rng), 100, 1.0)]
    assert compare_brute(query, target) == (50.0, 25.0)
    query[0] = VpdqFeature(flip(base[0], 32, rng), 100, 0.0)
    assert compare_brute(query, target) == (0.0, 0.0)
    assert compare_brute([], target) == (0.0, 0.0)


@pytest.mark.parametrize("seed", [1, 2])
def test_index_percentages_equal_the_pairwise_loop_for_every_video(seed):
    bank, queries = synthetic_bank(500, seed)
    index: VideoIndex[int] = VideoIndex()
    index.add_features((frames, i) for i, frames in enumerate(bank))
    assert index.frame_count() > 8192  # enough frames for the bucket tables to be used
    matched = 0
    for query in queries:
        result = index.query_video(query)
        got = {m.entry: (m.query_pct, m.target_pct) for m in result.matches}
        expected = {}
        for i, frames in enumerate(bank):
            q_pct, t_pct = compare_brute(query, frames)
            if q_pct or t_pct:
                expected[i] = (q_pct, t_pct)
        assert got == expected
        matched += sum(m.is_match for m in result.matches)
        for match in result.matches:
            assert match.is_match == (match.query_pct >= 80.0)
            assert len(match.frames) == round(match.query_pct * result.usable_frames / 100)
    assert matched >= 2


def test_thresholds_can_be_set_per_query():
    rng = np.random.default_rng(3)
    frames = [VpdqFeature(random_hex(rng), 100, float(i)) for i in range(10)]
    index: VideoIndex[str] = VideoIndex([(format_vpdq(frames), "v")])
    half = frames[:5] + [VpdqFeature(random_hex(rng), 100, 9.0 + i) for i in range(5)]
    result = index.query_video(half)
    assert [(m.entry, m.query_pct, m.target_pct, m.is_match) for m in result.matches] == [
        ("v", 50.0, 50.0, False)
    ]
    assert index.query_video(half, query_pct=50).matches[0].is_match
    assert not index.query_video(frames, target_pct=100.1).matches[0].is_match
    near = [VpdqFeature(flip(f.pdq_hex, 20, rng), 100, f.timestamp) for f in frames]
    assert index.query_video(near).matches[0].is_match
    assert index.query_video(near, threshold=10).matches == []


def test_low_quality_queries_match_nothing_and_say_so():
    index: VideoIndex[str] = VideoIndex([(f"{A},100,0", "v")])
    result = index.query_video([VpdqFeature(A, 10, 0.0)])
    assert result.usable_frames == 0
    assert result.matches == []


def test_removed_videos_are_not_returned_and_len_counts_live_videos():
    rng = np.random.default_rng(4)
    frames = [VpdqFeature(random_hex(rng), 100, float(i)) for i in range(5)]
    index: VideoIndex[str] = VideoIndex([(format_vpdq(frames), "a"), (format_vpdq(frames), "b")])
    assert len(index) == 2
    index.remove(["a", "unknown"])
    assert len(index) == 1
    assert [m.entry for m in index.query_video(frames).matches] == ["b"]


def test_add_is_all_or_nothing():
    index: VideoIndex[str] = VideoIndex([(f"{A},100,0", "a")])
    with pytest.raises(SignalError):
        index.add([(f"{B},100,0", "b"), ("bad", "c")])
    assert len(index) == 1
    assert index.query_video([VpdqFeature(B, 100, 0.0)]).matches == []


def test_serialized_index_answers_the_same():
    bank, queries = synthetic_bank(40, 5)
    index: VideoIndex[int] = VideoIndex(target_pct=10)
    index.add_features((frames, i) for i, frames in enumerate(bank))
    index.remove([3])
    copy = VideoIndex.deserialize(index.serialize())
    assert len(copy) == len(index) == 39
    assert copy.target_pct == 10
    for query in queries:
        left = [(m.entry, m.query_pct, m.target_pct) for m in index.query_video(query).matches]
        right = [(m.entry, m.query_pct, m.target_pct) for m in copy.query_video(query).matches]
        assert left == right
    with pytest.raises(ValueError, match="Corrupt"):
        VideoIndex.deserialize(b"{}")


def test_frames_against_an_image_bank_list_each_frame_that_hit():
    rng = np.random.default_rng(6)
    image = random_hex(rng)
    images: PdqIndex[str] = PdqIndex([(image, "photo"), (random_hex(rng), "other")])
    frames = [
        VpdqFeature(random_hex(rng), 100, 0.0, 0),
        VpdqFeature(flip(image, 10, rng), 100, 1.0, 30),
        VpdqFeature(flip(image, 12, rng), 30, 2.0, 60),  # low quality: not used
        VpdqFeature(image, 100, 3.0, 90),
    ]
    hits = match_frames(frames, images)
    assert list(hits) == ["photo"]
    assert [(f.query_time, f.query_frame, f.distance) for f in hits["photo"]] == [
        (1.0, 30, 10),
        (3.0, 90, 0),
    ]
    assert match_frames(frames[:1], images) == {}
