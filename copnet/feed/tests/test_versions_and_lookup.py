"""Versioned feed: exact diffs, and the hash-prefix lookup round trip of a Safe Browsing client."""

from __future__ import annotations

import hashlib

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.detection.urls import expressions
from copnet.feed import services
from copnet.feed.models import FeedEntry
from copnet.taxonomy.models import HarmCategory


def _import(text, kind="host", category="pornography", **extra):
    return services.do_import_list(
        text=text, kind=kind, category=HarmCategory.objects.get(code=category), actor=None, **extra
    )


@pytest.fixture
def api_key(org_a):
    return do_create_api_key(organisation=org_a, name="parental app", actor=None)[1]


def _prefix(expression: str) -> str:
    return hashlib.sha256(expression.encode()).hexdigest()[:8]


@pytest.mark.django_db
def test_the_diff_between_two_versions_is_exact(client, api_key):
    _import("a.example\nb.example\nc.example")
    _import("d.example/bad/page.html", kind="url")
    assert services.do_publish(actor=None).number == 1
    _import("e.example\nf.example")
    services.do_withdraw(
        entry=FeedEntry.objects.get(value="b.example"), reason="appeal", actor=None
    )
    _import("g.example")
    services.do_withdraw(entry=FeedEntry.objects.get(value="g.example"), reason="typo", actor=None)
    v2 = services.do_publish(actor=None)
    assert (v2.number, v2.added, v2.withdrawn) == (2, 2, 1)
    assert services.do_publish(actor=None) is None  # nothing pending

    auth = {"Authorization": f"Bearer {api_key}"}
    v1_prefixes = set(
        client.get("/api/v1/feed/prefixes?version=1", headers=auth).json()["prefixes"]
    )
    v2_prefixes = set(
        client.get("/api/v1/feed/prefixes?version=2", headers=auth).json()["prefixes"]
    )
    assert v1_prefixes == {
        _prefix(e) for e in ["a.example/", "b.example/", "c.example/", "d.example/bad/page.html"]
    }
    diff = client.get("/api/v1/feed/diff?since=1&version=2", headers=auth).json()
    assert diff == {
        "from": 1,
        "to": 2,
        "additions": sorted({_prefix("e.example/"), _prefix("f.example/")}),
        "removals": [_prefix("b.example/")],
    }
    assert (v1_prefixes | set(diff["additions"])) - set(diff["removals"]) == v2_prefixes
    full = client.get("/api/v1/feed/diff?since=0", headers=auth).json()
    assert set(full["additions"]) == v2_prefixes
    assert full["removals"] == []
    assert client.get("/api/v1/feed/diff?since=2&version=1", headers=auth).status_code == 422
    assert client.get("/api/v1/feed/diff?since=7", headers=auth).status_code == 404
    assert client.get("/api/v1/feed/diff?since=x", headers=auth).status_code == 422


def _client_lookup(client, url, headers):
    """What a parental-control app does: hash its expressions, send only 4-byte prefixes."""
    hashes = {hashlib.sha256(e.encode()).hexdigest() for e in expressions(url)}
    response = client.post(
        "/api/v1/feed/lookup",
        {"prefixes": sorted({h[:8] for h in hashes})},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    sent = response.request  # the server only ever saw prefixes
    assert url.encode() not in str(sent).encode()
    found = {fh["hash"] for m in body["matches"] for fh in m["full_hashes"]}
    return [fh for m in body["matches"] for fh in m["full_hashes"] if fh["hash"] in hashes], found


@pytest.mark.django_db
def test_a_prefix_lookup_finds_a_blocked_url_and_misses_an_unblocked_one(client, api_key):
    _import("bad-host.example")
    _import("https://videos.example/watch/123?x=1", kind="url", category="violence")
    services.do_publish(actor=None)
    auth = {"Authorization": f"Bearer {api_key}"}

    hits, _found = _client_lookup(client, "http://www.Bad-Host.example/any/page?q=1", auth)
    assert [(h["kind"], h["category"], h["severity"]) for h in hits] == [
        ("host", "pornography", "medium")
    ]
    hits, _found = _client_lookup(client, "https://videos.example/watch/123?x=1#t=3", auth)
    assert [h["category"] for h in hits] == ["violence"]
    assert _client_lookup(client, "https://videos.example/watch/124?x=1", auth)[0] == []
    assert _client_lookup(client, "https://good.example/", auth)[0] == []


@pytest.mark.django_db
def test_without_a_key_only_public_entries_are_served(client, api_key):
    _import("private.example")
    _import("public.example", category="csam", is_public=True)
    services.do_publish(actor=None)
    assert _client_lookup(client, "http://private.example/", {})[0] == []
    assert len(_client_lookup(client, "http://public.example/", {})[0]) == 1
    hosts = client.get("/api/v1/feed/hosts").content.decode()
    assert "public.example" in hosts
    assert "private.example" not in hosts
    keyed = client.get("/api/v1/feed/hosts", headers={"Authorization": f"Bearer {api_key}"})
    assert "private.example" in keyed.content.decode()
    wrong = client.get("/api/v1/feed/hosts", headers={"Authorization": "Bearer cpn_x_nope"})
    assert wrong.status_code == 401
    assert "private.example" not in wrong.content.decode()


@pytest.mark.parametrize(
    "prefixes", [["zzzzzzzz"], ["abc"], ["0123456789"], [], ["00000000"] * 1001, [1234]]
)
@pytest.mark.django_db
def test_bad_lookups_are_refused(client, api_key, prefixes):
    response = client.post(
        "/api/v1/feed/lookup",
        {"prefixes": prefixes},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"bad_prefix", "invalid"}


@pytest.mark.django_db
def test_lists_download_as_text_and_json(client, api_key):
    _import("bücher.example\nxn--caf-dma.example")
    _import("https://x.example/a b", kind="url")
    services.do_publish(actor=None)
    auth = {"Authorization": f"Bearer {api_key}"}
    text = client.get("/api/v1/feed/list?kind=host", headers=auth)
    assert text.content.decode() == "xn--bcher-kva.example\nxn--caf-dma.example\n"
    assert text["X-Feed-Version"] == "1"
    data = client.get("/api/v1/feed/list?kind=url&format=json", headers=auth).json()
    assert data["entries"] == [
        {"value": "x.example/a%20b", "category": "pornography", "severity": "medium"}
    ]
    assert client.get("/api/v1/feed/list?kind=evil", headers=auth).status_code == 422
    assert client.get("/api/v1/feed/list?category=../x", headers=auth).status_code == 422


@pytest.mark.django_db
def test_before_the_first_version_lookups_find_nothing(client, api_key):
    _import("pending.example")  # imported but not yet published
    response = client.post(
        "/api/v1/feed/lookup",
        {"prefixes": [_prefix("pending.example/")]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert response.json() == {"version": 0, "matches": [], "cache_seconds": 300}
    services.do_publish(actor=None)
    response = client.post(
        "/api/v1/feed/lookup",
        {"prefixes": [_prefix("pending.example/")]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    (match,) = response.json()["matches"]
    assert set(match["full_hashes"][0]) == {"hash", "kind", "category", "severity"}  # no case
