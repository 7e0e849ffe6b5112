"""Address lists in the staff pages: entries, add by kind, import, export, deactivate."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copnet.audit.models import AuditEvent
from copnet.banks import services
from copnet.banks.models import UrlList, UrlListEntry

from .factories import add_url, make_url_list

pytestmark = pytest.mark.usefixtures("fresh_engine")

LIST = "/staff/detection/lists/bad-sites/"


@pytest.fixture
def url_list(reference_data):
    return make_url_list()


def matched(url: str) -> list[str]:
    return [e.pattern for e in services.match_urls([url])[0]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pattern", "kind", "stored", "hit", "miss"),
    [
        (
            "Bad.Example",
            "host",
            "Bad.Example",
            "http://www.bad.example/x",
            "http://bad.example.org/",
        ),
        (
            "bad.example/pics",
            "prefix",
            "bad.example/pics/",
            "https://BAD.example/pics/a.jpg",
            "http://bad.example/pictures",
        ),
        (
            "bad.example/page.html?id=1",
            "exact",
            "bad.example/page.html?id=1",
            "http://bad.example/page.html?id=1#top",
            "http://bad.example/page.html",
        ),
    ],
)
def test_adding_each_kind_matches_as_expected(analyst, url_list, pattern, kind, stored, hit, miss):
    response = analyst.post(LIST, {"pattern": pattern, "kind": kind})
    assert response.status_code == 302
    entry = UrlListEntry.objects.get()
    assert (entry.pattern, entry.kind) == (stored, kind)
    assert matched(hit) == [stored]
    assert matched(miss) == []
    assert AuditEvent.objects.filter(target_type="banks.urllistentry", action="create").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("com", "host"),  # a whole top-level domain
        ("bad.example/x", "host"),  # a host with a path
        ("bad.example", "exact"),  # an exact address without a path
        ("javascript:alert(1)", "exact"),
        ("http://bad.example/\x00", "exact"),
        ("http://" + "a" * 100_000 + ".example/", "host"),
        ("a.b.c.d.e.f.g.example", "host"),  # too deep to be matched
    ],
)
def test_a_bad_pattern_is_refused_and_nothing_is_added(analyst, url_list, pattern, kind):
    response = analyst.post(LIST, {"pattern": pattern, "kind": kind})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert UrlListEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_same_pattern_twice_is_refused(analyst, url_list):
    add_url(url_list)
    assert analyst.post(LIST, {"pattern": "bad.example", "kind": "host"}).status_code == 400
    assert UrlListEntry.objects.count() == 1


@pytest.mark.django_db
def test_import_of_a_text_list_then_export_round_trips(analyst, url_list):
    text = "# list from partner\nurl\nbad.example\nhttp://worse.example/dir/\nhttp://x.example/p?q=1\nbad.example\n"
    response = analyst.post(LIST + "import/", {"file": SimpleUploadedFile("l.txt", text.encode())})
    assert response.status_code == 302
    assert sorted(UrlListEntry.objects.values_list("pattern", "kind")) == [
        ("bad.example", "host"),
        ("http://worse.example/dir/", "prefix"),
        ("http://x.example/p?q=1", "exact"),
    ]
    assert matched("http://a.worse.example/dir/z") == ["http://worse.example/dir/"]
    exported = analyst.get(LIST + "export/").content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["pattern"] for r in rows] == [
        "bad.example",
        "http://worse.example/dir/",
        "http://x.example/p?q=1",
    ]
    assert AuditEvent.objects.filter(action="export", target_type="banks.urllist").exists()
    other = make_url_list("copy")
    response = analyst.post(
        "/staff/detection/lists/copy/import/",
        {"file": SimpleUploadedFile("e.csv", exported.encode())},
    )
    assert response.status_code == 302
    assert other.entries.count() == 3


@pytest.mark.django_db
def test_an_import_with_bad_lines_imports_nothing_and_names_each_line(analyst, url_list):
    text = "good.example\njavascript:alert(1)\ncom\n"
    response = analyst.post(LIST + "import/", {"file": SimpleUploadedFile("l.txt", text.encode())})
    assert response.status_code == 400
    page = response.content.decode()
    assert "dòng 2" in page
    assert "dòng 3" in page
    assert UrlListEntry.objects.count() == 0


@pytest.mark.django_db
def test_broken_unicode_file_is_refused(analyst, url_list):
    response = analyst.post(
        LIST + "import/", {"file": SimpleUploadedFile("l.txt", b"bad.example\n\xff\xfe\xfa")}
    )
    assert response.status_code == 400
    assert UrlListEntry.objects.count() == 0


@pytest.mark.django_db
def test_deactivating_an_entry_or_the_list_stops_matching(analyst, url_list):
    entry = add_url(url_list)
    assert matched("http://bad.example/") == ["bad.example"]
    analyst.post(f"{LIST}entries/{entry.pk}/active/", {"active": "0"})
    assert matched("http://bad.example/") == []
    analyst.post(f"{LIST}entries/{entry.pk}/active/", {"active": "1"})
    assert matched("http://bad.example/") == ["bad.example"]
    analyst.post(LIST + "active/", {"active": "0"})
    assert not UrlList.objects.get().is_active
    assert matched("http://bad.example/") == []
    assert AuditEvent.objects.filter(target_type="banks.urllist", action="update").count() == 1


@pytest.mark.django_db
def test_search_and_html_in_patterns_is_inert(analyst, url_list):
    add_url(url_list, "evil.example/<script>alert(1)</script>", "exact")
    add_url(url_list, "other.example")
    page = analyst.get(LIST, {"q": "evil"}).content.decode()
    assert page.count("data-entry=") == 1
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_a_list_needs_a_known_category(analyst, reference_data):
    response = analyst.post("/staff/detection/lists/new/", {"name": "x", "category": "nope"})
    assert response.status_code == 400
    assert not UrlList.objects.exists()
