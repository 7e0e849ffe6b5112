"""Every bad input to the public form gets a clear translated error and saves nothing."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copnet.cases.models import Case
from copnet.core.testing import vi
from copnet.reports.models import Evidence, PendingUpload, Report
from copnet.reports.tests.factories import make_image


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header claims a huge picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def post(client, **fields):
    data = {"category": "cyberbullying", "description": "Có người bắt nạt em", **fields}
    return client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="vi")


def assert_nothing_saved(evidence_dir) -> None:
    """No report, case or evidence; the only files stored are the acceptable pictures kept
    for the next try (`reports.pending`), each named by its row."""
    assert Report.objects.count() == 0
    assert Case.objects.count() == 0
    assert Evidence.objects.count() == 0
    kept = set(PendingUpload.objects.values_list("blob_path", flat=True))
    files = [p for p in evidence_dir.rglob("*") if p.is_file()] if evidence_dir.exists() else []
    assert len(files) == len(kept)
    assert PendingUpload.objects.count() <= 10


pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.django_db
def test_missing_category_is_refused(client, evidence_dir):
    response = post(client, category="")
    assert response.status_code == 200
    assert vi("Choose what happened.") in response.content.decode()
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_an_empty_report_is_refused(client, evidence_dir):
    response = post(client, description="   ")
    assert vi("Tell us what happened, or give a web address or a picture.") in (
        response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_eleven_images_are_refused(client, evidence_dir):
    images = [SimpleUploadedFile(f"{i}.png", make_image(i, size=32)) for i in range(11)]
    response = post(client, images=images)
    assert vi("You can send at most %(limit)s pictures.").split("%(")[0] in (
        response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, evidence_dir):
    big = make_image(1, fmt="JPEG") + b"\0" * (11 * 1024 * 1024)
    response = post(client, images=[SimpleUploadedFile("big.jpg", big)])
    assert (
        vi("This picture is too big. Each picture can be at most %(limit)s MB.").split("%(")[0]
        in response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500),
        ("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("doc.jpg", b"%PDF-1.7\n" + b"0" * 100),
    ],
)
def test_a_file_that_is_not_really_an_image_is_refused(client, evidence_dir, name, payload):
    response = post(client, images=[SimpleUploadedFile(name, payload)])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in html or 'class="errors"' in html
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_png_bomb_is_refused(client, evidence_dir):
    response = post(client, images=[SimpleUploadedFile("bomb.png", png_bomb())])
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_good_image_after_a_bad_one_leaves_no_file_behind(client, evidence_dir):
    response = post(
        client,
        images=[
            SimpleUploadedFile("ok.png", make_image(3)),
            SimpleUploadedFile("bad.png", b"MZ" + b"\0" * 100),
        ],
    )
    assert response.status_code == 200
    assert_nothing_saved(evidence_dir)


BAD_ADDRESS = (
    "“%(url)s” is not a web address we can check. Use an address that starts with http:// or "
    "https://."
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", BAD_ADDRESS),
        ("data:text/html,hi", BAD_ADDRESS),
        ("http://exa mple.com/", BAD_ADDRESS),
        ("http://example.com/\x00", "Null characters are not allowed."),
    ],
)
def test_unsafe_addresses_are_refused(client, evidence_dir, url, message):
    response = post(client, urls=url)
    assert vi(message).split("%(")[0] in response.content.decode()
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_100_kb_of_text_is_refused(client, evidence_dir):
    response = post(client, description="a" * 100_000)
    assert vi("This text is too long: at most %(limit)s characters.").split("%(")[0] in (
        response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_decomposed_vietnamese_is_stored_composed(client, evidence_dir):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Bạn ấy đe dọa em")
    assert nfd != "Bạn ấy đe dọa em"
    response = post(client, description=nfd)
    assert response.status_code == 302
    assert Report.objects.get().description == "Bạn ấy đe dọa em"


@pytest.mark.django_db
def test_html_in_every_text_field_is_rendered_inert(client, coordinator, evidence_dir):
    script = "<script>alert('x')</script>"
    response = post(
        client,
        description=script,
        platform=script,
        account_handles=script,
        texts=script,
        urls="https://example.com/<script>",
    )
    assert response.status_code == 302
    case = Case.objects.get()
    client.force_login(coordinator)
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_contact_details_are_dropped_unless_the_reporter_asks_to_be_contacted(client, evidence_dir):
    post(client, reporter_name="Nguyễn Văn A", reporter_contact="0900000000")
    report = Report.objects.get()
    assert report.reporter_name == ""
    assert report.reporter_contact == ""


@pytest.mark.django_db
def test_contact_details_are_encrypted_at_rest(client, evidence_dir):
    from django.db import connection

    post(client, wants_contact="on", reporter_name="Nguyễn Văn A", reporter_contact="0900000000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_contact, description FROM reports_report")
        contact, description = cursor.fetchone()
    assert "0900000000" not in contact
    assert "bắt nạt" not in description
    assert Report.objects.get().reporter_contact == "0900000000"


@pytest.mark.django_db
def test_far_too_many_files_get_a_clear_400_page(client, evidence_dir):
    images = [SimpleUploadedFile(f"{i}.png", b"x") for i in range(25)]
    response = post(client, images=images)
    assert response.status_code == 400
    assert '<html lang="vi">' in response.content.decode()
    assert_nothing_saved(evidence_dir)
