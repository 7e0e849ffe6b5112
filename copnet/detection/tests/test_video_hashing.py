"""Video files: digests, vPDQ frame hashes, and refusal of broken or hostile files."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from copnet.detection.pdq import PdqIndex
from copnet.detection.tests.clips import make_clip, scene, transcode, write_clip
from copnet.detection.video import VideoError, VideoHasher, VideoLimits
from copnet.detection.vpdq import VideoIndex, format_vpdq, match_frames, parse_vpdq


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    original = make_clip(folder / "original.mp4", seconds=8, seed=1)
    return {
        "original": original,
        "reencoded": transcode(original, folder / "reencoded.mp4", codec="mpeg4"),
        "resized": transcode(original, folder / "resized.mkv", size=(240, 180), codec="libx264"),
        "trimmed": transcode(original, folder / "trimmed.mp4", start=2.0, stop=6.0),
        "webm": transcode(original, folder / "vp9.webm", codec="libvpx-vp9"),
        "unrelated": make_clip(folder / "unrelated.mp4", seconds=8, seed=99),
    }


@pytest.fixture(scope="module")
def hashed(clips) -> dict[str, object]:
    hasher = VideoHasher()
    return {name: hasher.hash_file(path) for name, path in clips.items()}


def test_one_frame_hash_a_second_with_quality_timestamps_and_file_digests(clips, hashed):
    result = hashed["original"]
    data = clips["original"].read_bytes()
    assert result.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert [f.timestamp for f in result.features] == [float(s) for s in range(8)]
    assert [f.frame_number for f in result.features] == list(range(0, 80, 10))
    assert all(f.quality >= 50 for f in result.features)
    assert len({f.pdq_hex for f in result.features}) == 8  # a new background every second
    assert (result.width, result.height, result.frame_rate) == (160, 120, 10.0)
    assert (result.codec, result.frames_decoded, result.duration) == ("h264", 80, 8.0)


def test_hash_bytes_and_hash_stream_equal_hash_file(clips, hashed):
    data = clips["original"].read_bytes()
    value = VideoHasher().hash_bytes(data)
    assert value == [format_vpdq(hashed["original"].features)]
    assert VideoHasher().hash_stream(io.BytesIO(data)).features == hashed["original"].features


def test_seconds_per_hash_samples_more_or_fewer_frames(clips):
    assert len(VideoHasher(seconds_per_hash=0.5).hash_file(clips["original"]).features) == 16
    assert len(VideoHasher(seconds_per_hash=0).hash_file(clips["original"]).features) == 80
    assert len(VideoHasher(seconds_per_hash=4).hash_file(clips["original"]).features) == 2


@pytest.mark.parametrize("copy", ["reencoded", "resized", "trimmed", "webm"])
def test_reencoded_resized_and_trimmed_copies_match_the_banked_video(hashed, copy):
    index: VideoIndex[str] = VideoIndex()
    index.add_features(
        [(hashed["original"].features, "banked"), (hashed["unrelated"].features, "other")]
    )
    result = index.query_video(hashed[copy].features)
    matched = [m for m in result.matches if m.is_match]
    assert [m.entry for m in matched] == ["banked"]
    best = matched[0]
    assert best.query_pct >= 80
    assert best.frames
    assert all(f.distance <= 31 for f in best.frames)
    if copy == "trimmed":  # four seconds of eight: all of the query, half of the video
        assert best.query_pct == 100.0
        assert best.target_pct == 50.0
        assert [(f.query_time, f.target_time) for f in best.frames] == [
            (float(t), float(t + 2)) for t in range(4)
        ]


def test_an_unrelated_video_does_not_match(hashed):
    index: VideoIndex[str] = VideoIndex()
    index.add_features([(hashed["original"].features, "banked")])
    assert not [m for m in index.query_video(hashed["unrelated"].features).matches if m.is_match]
    assert index.query(format_vpdq(hashed["unrelated"].features)) == []
    assert [m.entry for m in index.query(format_vpdq(hashed["trimmed"].features))] == ["banked"]


def test_frames_are_matched_against_an_image_bank_with_their_times(clips, hashed):
    with av.open(str(clips["original"])) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    still = Image.fromarray(frames[50]).resize((320, 240))  # a screenshot of second 5, enlarged
    buffer = io.BytesIO()
    still.save(buffer, format="JPEG", quality=70)
    from copnet.detection.pdq import PdqHasher

    image_hash = PdqHasher().hash_image(buffer.getvalue()).original
    images: PdqIndex[str] = PdqIndex([(image_hash, "screenshot")])
    hits = match_frames(hashed["reencoded"].features, images)
    assert list(hits) == ["screenshot"]
    assert [f.query_time for f in hits["screenshot"]] == [5.0]
    assert match_frames(hashed["unrelated"].features, images) == {}


# --- refusals --------------------------------------------------------------------------------


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(next(scene(1, 1, 64, 64, 3))).save(buffer, format="JPEG")
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(next(scene(1, 1, 64, 64, 3))).save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"this is a text file, renamed clip.mp4\n" * 20, "not_a_video"),
        (_jpeg(), "not_a_video"),
        (_gif(), "not_a_video"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n", "not_a_video"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(200), "truncated"),
    ],
)
def test_non_videos_are_refused_with_a_clear_code(data, code):
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_bytes(data)
    assert error.value.code == code


@pytest.mark.parametrize("name", ["original", "resized"])
def test_truncated_files_are_refused(clips, name):
    data = clips[name].read_bytes()
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_bytes(data[: len(data) // 2])
    assert error.value.code == "truncated"


def test_corrupted_files_give_hashes_or_a_video_error(clips):
    data = bytearray(clips["original"].read_bytes())
    rng = np.random.default_rng(5)
    codes: set[str] = set()
    for _ in range(5):
        damaged = bytearray(data)
        for position in rng.integers(100, len(data) - 100, 40):
            damaged[position] ^= 0xFF
        try:
            VideoHasher().hash_bytes(bytes(damaged))
        except VideoError as error:
            codes.add(error.code)
    assert codes <= {
        "truncated",
        "not_a_video",
        "no_frames",
        "no_video_stream",
        "unsupported_codec",
    }


def test_too_many_streams_are_refused(tmp_path):
    path = write_clip(
        tmp_path / "streams.mkv", scene(1, 5, 32, 32, 1), fps=5, extra_video_streams=8
    )
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_file(path)
    assert error.value.code == "too_many_streams"


def test_an_audio_only_file_has_no_video_stream(tmp_path):
    path = tmp_path / "sound.mkv"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), dtype=np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_file(path)
    assert error.value.code == "no_video_stream"


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (VideoLimits(max_bytes=1000), "too_large"),
        (VideoLimits(max_width=100), "too_many_pixels"),
        (VideoLimits(max_pixels=160 * 119), "too_many_pixels"),
        (VideoLimits(max_seconds=3), "too_long"),
        (VideoLimits(max_frames=30), "too_many_frames"),
        (VideoLimits(max_decode_seconds=0), "too_slow"),
    ],
)
def test_limits_refuse_large_long_and_slow_videos(clips, limits, code):
    with pytest.raises(VideoError) as error:
        VideoHasher(limits).hash_file(clips["original"])
    assert error.value.code == code


def test_a_picture_too_small_to_hash_is_refused(tmp_path):
    path = write_clip(tmp_path / "tiny.mp4", scene(1, 5, 4, 4, 1), fps=5, codec="mpeg4")
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_file(path)
    assert error.value.code == "too_small"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(VideoError) as error:
        VideoHasher().hash_file(tmp_path / "nothing.mp4")
    assert error.value.code == "not_a_video"


def test_the_vpdq_value_round_trips(hashed):
    value = format_vpdq(hashed["original"].features)
    parsed = parse_vpdq(value)
    assert [(f.pdq_hex, f.quality, f.timestamp) for f in parsed] == [
        (f.pdq_hex, f.quality, f.timestamp) for f in hashed["original"].features
    ]
