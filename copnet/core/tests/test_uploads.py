"""copnet.core.uploads against ordinary and hostile files."""

from __future__ import annotations

import hashlib
import io
import struct
import time
import warnings

import pytest
from django.utils import translation
from PIL import Image, ImageFile

from copnet.core import uploads
from copnet.core.testing import TINY_PDF, bomb_png, picture, zip_bytes
from copnet.core.uploads import (
    DOCX,
    EXTENSIONS,
    GIF,
    IMAGE_TYPES,
    JPEG,
    ODT,
    PDF,
    PNG,
    WEBP,
    UploadError,
    check_upload,
    open_checked_image,
    safe_filename,
)

EVERYTHING = tuple(EXTENSIONS)
DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
ODT_PARTS = {"mimetype": ODT.encode(), "content.xml": b"<office:document/>"}


def refusal(data: object, **options: object) -> UploadError:
    options = {"allowed": EVERYTHING, "max_bytes": 10_000_000, **options}
    with pytest.raises(UploadError) as caught:
        check_upload(data, **options)  # type: ignore[arg-type]
    return caught.value


def animation(fmt: str, count: int, size: tuple[int, int] = (40, 30)) -> bytes:
    frames = [Image.effect_noise(size, 60 + i).convert("RGB") for i in range(count)]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


# --- accepted files --------------------------------------------------------------------------

ACCEPTED = {
    JPEG: picture("JPEG"),
    PNG: picture("PNG"),
    GIF: picture("GIF"),
    WEBP: picture("WEBP"),
    PDF: TINY_PDF,
    DOCX: zip_bytes(DOCX_PARTS),
    ODT: zip_bytes(ODT_PARTS),
}


@pytest.mark.parametrize("mime", list(ACCEPTED))
def test_each_type_is_found_from_its_content_with_extension_size_and_sha256(mime):
    data = ACCEPTED[mime]

    checked = check_upload(data, allowed=EVERYTHING, max_bytes=len(data))

    assert checked == uploads.CheckedUpload(
        mime=mime,
        extension=EXTENSIONS[mime],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_bytearray_and_memoryview_are_taken_like_bytes():
    data = ACCEPTED[PNG]

    assert check_upload(bytearray(data), allowed=[PNG], max_bytes=10**6).mime == PNG
    assert check_upload(memoryview(data), allowed=[PNG], max_bytes=10**6).mime == PNG


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_an_animation_is_accepted_and_opened_on_its_first_frame(fmt):
    data = animation(fmt, 3)
    first = Image.open(io.BytesIO(data))
    first.load()

    with open_checked_image(data, allowed=IMAGE_TYPES, max_bytes=10**6) as (checked, img):
        assert (img.tell(), img.n_frames) == (0, 3)
        assert img.convert("RGB").tobytes() == first.convert("RGB").tobytes()
    assert checked.mime == f"image/{fmt.lower()}"


# --- empty, oversize, wrong types ------------------------------------------------------------


def test_an_empty_file_is_refused():
    error = refusal(b"")

    assert error.code == "empty"
    with translation.override("en"):
        assert str(error.message) == "The file is empty."


def test_a_file_one_byte_over_the_callers_limit_is_too_large_and_says_the_limit():
    data = ACCEPTED[PDF]

    error = refusal(data, max_bytes=len(data) - 1)

    assert (error.code, error.params) == ("too_large", {"limit": len(data) - 1})
    with translation.override("en"):
        assert str(error.message) == f"The file is too big: at most {len(data) - 1}\xa0bytes."


def test_a_huge_file_is_refused_before_its_content_is_read(monkeypatch):
    monkeypatch.setattr(uploads, "sniff", lambda data: pytest.fail("content was read"))

    assert refusal(b"\xff\xd8\xff" + bytes(11_000_000)).code == "too_large"


@pytest.mark.parametrize("data", ["%PDF-1.4 text", None, 12, ["a"]], ids=type)
def test_data_that_is_not_bytes_is_a_programming_error(data):
    with pytest.raises(TypeError):
        check_upload(data, allowed=[PDF], max_bytes=100)  # type: ignore[arg-type]


@pytest.mark.parametrize("allowed", [["image/svg+xml"], ["text/html", PNG]])
def test_types_the_checker_does_not_know_are_a_programming_error(allowed):
    with pytest.raises(ValueError, match="Unknown upload types"):
        check_upload(ACCEPTED[PNG], allowed=allowed, max_bytes=10**6)


def test_open_checked_image_takes_image_types_only():
    with (
        pytest.raises(ValueError, match="Not image types"),
        open_checked_image(TINY_PDF, allowed=[PNG, PDF], max_bytes=10**6),
    ):
        pass


# --- content that is not what it claims ------------------------------------------------------

NOT_ACCEPTED = {
    "html-renamed-png": b"<html><script>alert(1)</script></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "windows-exe": b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),
    "bmp": picture("BMP"),
    "tiff": picture("TIFF"),
    "plain-zip": zip_bytes({"evil.sh": b"rm -rf /"}),
    "xlsx-like": zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
}


@pytest.mark.parametrize("name", sorted(NOT_ACCEPTED))
def test_content_of_a_type_nobody_accepts_is_unsupported(name):
    assert refusal(NOT_ACCEPTED[name]).code == "unsupported_type"


@pytest.mark.parametrize(
    ("data", "allowed"),
    [(ACCEPTED[PDF], IMAGE_TYPES), (ACCEPTED[GIF], [PNG, JPEG]), (ACCEPTED[ODT], [DOCX])],
    ids=["pdf-for-pictures", "gif-for-png-or-jpeg", "odt-for-docx"],
)
def test_a_real_file_of_a_type_the_caller_does_not_take_is_unsupported(data, allowed):
    assert refusal(data, allowed=allowed).code == "unsupported_type"


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 200, ACCEPTED[PNG][:33] + b"\x13\x37" * 200],
    ids=["signature-then-garbage", "header-then-garbage"],
)
def test_a_png_header_followed_by_garbage_is_not_an_image(data):
    assert refusal(data).code == "not_an_image"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_a_picture_cut_short_is_truncated(fmt):
    data = picture(fmt, size=(128, 96))

    error = refusal(data[: len(data) * 2 // 3])

    assert error.code == "truncated"
    with translation.override("vi"):
        assert str(error.message) == (
            "Ảnh này bị hỏng hoặc bị thiếu một phần. Bạn hãy lưu lại ảnh rồi thử gửi lại nhé."
        )


def test_a_png_with_a_bad_checksum_is_not_an_image():
    data = bytearray(ACCEPTED[PNG])
    data[29] ^= 0xFF  # inside the IHDR checksum

    assert refusal(bytes(data)).code == "not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "PNG"])
def test_an_animation_cut_in_its_last_frame_is_truncated(fmt):
    data = animation(fmt, 4)

    assert refusal(data[:-150]).code == "truncated"


@pytest.fixture
def decoded_frames(monkeypatch) -> list[int]:
    """The index of every frame Pillow decodes from now on."""
    frames: list[int] = []
    load = ImageFile.ImageFile.load

    def counting(self):
        frames.append(self.tell())
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return frames


def test_frames_past_the_pixel_budget_are_not_decoded(decoded_frames):
    data = animation("GIF", 8, size=(80, 60))

    check_upload(data, allowed=[GIF], max_bytes=10**6, max_pixels=80 * 60 * 3)

    assert sorted(set(decoded_frames)) == [0, 1, 2]


def test_a_gif_of_a_hundred_thousand_one_pixel_frames_is_decoded_only_in_part(decoded_frames):
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + bytes(3) + b"\xff" * 3
    frame = b"\x2c" + struct.pack("<4HB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    data = screen + frame * 100_000 + b"\x3b"
    checker = open_checked_image(data, allowed=[GIF], max_bytes=10**7, max_pixels=10 * 4096)

    with checker as (_checked, img):
        assert img.n_frames == 100_000

    assert sorted(set(decoded_frames)) == list(range(10))


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 but then nothing else", b"%PDF-1.4\n<html><script>alert(1)</script></html>"],
    ids=["no-trailer", "html-after-the-magic"],
)
def test_a_pdf_without_its_end_is_damaged(data):
    assert refusal(data).code == "damaged"


# --- polyglots -------------------------------------------------------------------------------

HIDDEN = zip_bytes({"payload.html": b"<script>alert(1)</script>"})


@pytest.mark.parametrize("mime", [PDF, PNG, JPEG, GIF, WEBP])
def test_a_file_with_a_zip_archive_appended_is_refused(mime):
    error = refusal(ACCEPTED[mime] + HIDDEN)

    assert error.code == "polyglot"
    with translation.override("en"):
        assert "another file hidden inside it" in str(error.message)


def test_a_caller_that_keeps_polyglots_gets_the_picture_checked_all_the_same():
    data = ACCEPTED[PNG] + HIDDEN

    kept = check_upload(data, allowed=[PNG], max_bytes=10**6, reject_polyglots=False)

    assert kept.mime == PNG
    broken = ACCEPTED[PNG][:200] + HIDDEN
    assert refusal(broken, reject_polyglots=False).code in {"truncated", "not_an_image"}


def test_zip_like_bytes_that_do_not_open_are_not_a_polyglot():
    data = ACCEPTED[PNG] + b"PK\x05\x06" + bytes(10)

    assert check_upload(data, allowed=[PNG], max_bytes=10**6).mime == PNG


# --- decompression bombs ---------------------------------------------------------------------


@pytest.mark.parametrize("side", [65_000, 20_000, 6_400])
def test_a_png_declaring_too_many_pixels_is_refused_without_decoding(monkeypatch, side):
    data = bomb_png(side, side)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    started = time.perf_counter()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = refusal(data)

    assert time.perf_counter() - started < 1.0
    assert (error.code, error.params) == ("decompression_bomb", {"limit": 40_000_000})
    with translation.override("en"):
        assert str(error.message) == "This picture has too many pixels: at most 40 million."


def test_the_pixel_limit_is_the_callers_or_the_evidence_setting(settings):
    data = picture("PNG", size=(100, 50))

    assert check_upload(data, allowed=[PNG], max_bytes=10**6, max_pixels=5000).mime == PNG
    assert refusal(data, max_pixels=4999).code == "decompression_bomb"
    settings.EVIDENCE_MAX_PIXELS = 4999
    assert refusal(data).code == "decompression_bomb"


def test_a_jpeg_whose_frame_header_lies_about_its_size_is_a_bomb():
    data = bytearray(picture("JPEG", size=(16, 16)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 60_000, 60_000)

    assert refusal(bytes(data)).code == "decompression_bomb"


# --- zip bombs and broken packages -----------------------------------------------------------


def test_a_package_unpacking_past_the_limit_is_a_zip_bomb():
    data = zip_bytes({**DOCX_PARTS, "word/media/zeros.bin": bytes(2_000_001)})
    assert len(data) < 10_000

    error = refusal(data, max_unpacked=2_000_000)

    assert error.code == "zip_bomb"
    assert check_upload(data, allowed=[DOCX], max_bytes=10**6, max_unpacked=3_000_000).mime == DOCX


def test_a_package_with_too_many_parts_is_a_zip_bomb():
    parts = {**DOCX_PARTS, **{f"word/p{i}.xml": b"" for i in range(20)}}

    assert refusal(zip_bytes(parts), max_parts=21).code == "zip_bomb"


def test_a_package_lying_about_its_unpacked_size_is_damaged():
    data = bytearray(zip_bytes({**DOCX_PARTS, "word/media/zeros.bin": bytes(1_000_000)}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            if struct.unpack_from("<I", data, at + offset)[0] == 1_000_000:
                struct.pack_into("<I", data, at + offset, 10)  # claims 10 bytes
            at = data.find(signature, at + 4)

    assert refusal(bytes(data), max_unpacked=1000).code == "damaged"


def test_a_package_with_a_corrupted_part_is_damaged():
    data = bytearray(zip_bytes({**DOCX_PARTS, "word/styles.xml": b"<styles/>" * 50}))
    at = data.index(b"word/styles.xml") + len("word/styles.xml") + 4
    data[at] ^= 0xFF

    assert refusal(bytes(data)).code == "damaged"


def test_every_code_has_a_complete_message_in_both_languages():
    params = {"too_large": {"limit": 2048}, "decompression_bomb": {"limit": 1_500_000}}
    for code in uploads.MESSAGES:
        error = UploadError(code, **params.get(code, {}))
        with translation.override("en"):
            english = str(error.message)
        with translation.override("vi"):
            vietnamese = str(error.message)
        assert "{" not in english + vietnamese
        assert english.endswith(".")
        assert vietnamese != english, code
    with translation.override("en"):
        assert "2.0\xa0KB" in str(UploadError("too_large", limit=2048).message)
        assert "1.5 million" in str(UploadError("decompression_bomb", limit=1_500_000).message)


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("báo cáo.docx", "báo_cáo.pdf"),
        ("report.exe", "report.pdf"),
        ("photo.png.exe", "photo.png.pdf"),
        ("../../etc/passwd.png", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\evil.dll", "evil.pdf"),
        ("/", "file.pdf"),
        ("..", "file.pdf"),
        ("....pdf", "file.pdf"),
        ("", "file.pdf"),
        (None, "file.pdf"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("b\udcffáo.pdf", "báo.pdf"),
        (b"b\xc3\xa1o\xff.pdf", "báo.pdf"),
        (b"\xff\xfe\xfd.pdf", "file.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_a_file_name_loses_folders_tricks_and_its_claimed_extension(name, expected):
    assert safe_filename(name, "pdf") == expected


def test_the_name_never_decides_the_type():
    # There is no name to pass: a PNG called "x.pdf" is a PNG, HTML called "x.png" is refused.
    assert check_upload(ACCEPTED[PNG], allowed=[PNG, PDF], max_bytes=10**6).extension == "png"
    assert safe_filename("x.pdf", "png") == "x.png"
