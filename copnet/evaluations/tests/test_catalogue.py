"""The public catalogue: search and filters in both languages, the API, the PDF and the badge."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from copnet.evaluations.models import Product

from .factories import in_review, make_product, published, score_all, submit

pytestmark = pytest.mark.django_db


def _list(cast, **fields) -> Product:
    product = make_product(cast["vendor"], **fields)
    evaluation = in_review(
        submit(cast["vendor"], product), cast["manager"], cast["eva"], cast["evan"]
    )
    score_all(evaluation, cast["eva"])
    score_all(evaluation, cast["evan"])
    published(evaluation, cast["manager"])
    return product


@pytest.fixture
def listed(cast):
    learning = _list(cast)
    guard = _list(
        cast,
        name="Khiên Gia Đình",
        kind="parental_control",
        description_vi="Lọc web và giới hạn thời gian dùng máy.",
        description_en="Web filtering and screen-time limits.",
        platforms=",windows,android,",
        purposes=",protect,",
        languages=",vi,en,",
        age_min=3,
        age_max=17,
    )
    unlisted = make_product(cast["vendor"], name="Chưa Đánh Giá")
    submit(cast["vendor"], unlisted)
    return {"learning": learning, "guard": guard}


def _names(client, query: str = "") -> list[str]:
    response = client.get("/ecosystem/" + query)
    assert response.status_code == 200
    return [e.product.name for e in response.context["page"].object_list]


def test_only_published_products_are_listed(client, listed):
    assert _names(client) == ["Bé Học Vui", "Khiên Gia Đình"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=lọc web", ["Khiên Gia Đình"]),  # Vietnamese description
        ("?q=screen-time", ["Khiên Gia Đình"]),  # English description
        ("?q=Ứng dụng Trẻ em", ["Bé Học Vui", "Khiên Gia Đình"]),  # vendor name
        ("?kind=learning", ["Bé Học Vui"]),
        ("?platform=windows", ["Khiên Gia Đình"]),
        ("?platform=ios", ["Bé Học Vui"]),
        ("?purpose=learn", ["Bé Học Vui"]),
        ("?language=en", ["Khiên Gia Đình"]),
        ("?age=4", ["Khiên Gia Đình"]),
        ("?age=9", ["Bé Học Vui", "Khiên Gia Đình"]),
        ("?verdict=meets_basics", []),
        ("?q=<script>alert(1)</script>", []),
    ],
)
def test_search_and_filters(client, listed, query, expected):
    assert _names(client, query) == expected


def test_bad_filter_values_are_ignored_with_an_error_not_a_crash(client, listed):
    response = client.get("/ecosystem/?age=abc&kind=spaceship&q=%00")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_catalogue_works_in_english(client, listed):
    client.cookies["django_language"] = "en"
    html = client.get("/ecosystem/?q=filtering").content.decode()
    assert "Khiên Gia Đình" in html
    assert "Parental-control app" in html
    assert "Recommended" in html


def test_htmx_requests_get_the_results_fragment(client, listed):
    response = client.get("/ecosystem/?kind=learning", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Bé Học Vui" in html
    assert "<html" not in html


def test_the_pdf_report_parses_back(client, listed):
    response = client.get(f"/ecosystem/{listed['learning'].slug}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Bé Học Vui" in text
    assert "Công ty Ứng dụng Trẻ em" in text
    assert "VN-10" in text
    assert "100,0 %" in text


def test_the_badge_is_an_svg(client, listed):
    response = client.get(f"/ecosystem/{listed['learning'].slug}/badge.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in response.content
    assert response.content.decode().count("<svg") == 1


def test_unlisted_products_have_no_public_page_report_or_badge(client, listed):
    slug = Product.objects.get(name="Chưa Đánh Giá").slug
    for suffix in ("", "report.pdf", "badge.svg"):
        assert client.get(f"/ecosystem/{slug}/{suffix}").status_code == 404


def test_the_public_api_lists_and_filters(client, listed, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = client.get("/api/v1/ecosystem/products?purpose=protect").json()
    assert [r["name"] for r in rows] == ["Khiên Gia Đình"]
    assert rows[0]["verdict"] == "recommended"
    assert rows[0]["criteria_set"] == "vn-law"
    detail = client.get(f"/api/v1/ecosystem/products/{rows[0]['slug']}").json()
    assert detail["sections"][0]["score"] == "100.0"
    assert client.get("/api/v1/ecosystem/products/nope").status_code == 404
    assert client.get("/api/v1/ecosystem/products?age=99").status_code == 422
    assert client.get("/api/v1/ecosystem/products?kind=spaceship").status_code == 422


def test_the_catalogue_page_needs_the_same_queries_for_more_products(client, cast, listed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get("/ecosystem/")
    _list(cast, name="Thêm Một Ứng Dụng")
    with CaptureQueriesContext(connection) as three:
        response = client.get("/ecosystem/")
    assert len(response.context["page"].object_list) == 3
    assert len(three) == len(two)


def test_the_staff_list_needs_the_same_queries_for_more_evaluations(client, cast, listed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast["manager"])
    with CaptureQueriesContext(connection) as before:
        client.get("/staff/evaluations/")
    submit(cast["vendor"], make_product(cast["vendor"], name="Thêm"))
    with CaptureQueriesContext(connection) as after:
        response = client.get("/staff/evaluations/")
    assert len(response.context["page"].object_list) == 4
    assert len(after) == len(before)
