"""The verification check fetches addresses safely: no private destinations, limits enforced."""

from __future__ import annotations

import pytest

from copnet.takedowns import fetch, services
from copnet.takedowns.tests.factories import local_server, make_request


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_only_global_addresses_are_allowed_by_default(settings, address, allowed):
    settings.FETCH_ALLOWED_NETWORKS = []
    assert fetch.address_allowed(address) is allowed


def test_a_local_server_is_refused_unless_explicitly_allowed(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    with local_server() as receiver:
        assert services.check_url(f"{receiver.url}/page")[0] == "refused"
        assert services.check_url(receiver.url.replace("127.0.0.1", "localhost"))[0] == "refused"
        assert services.check_url("http://0x7f000001/")[0] == "refused"
        assert receiver.received == []


def test_the_check_reports_online_gone_and_refused_redirects(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with local_server() as receiver:
        receiver.routes = {
            "/live": (200, {}, b"still here"),
            "/gone": (410, {}, b""),
            "/moved": (302, {"Location": "/gone"}, b""),
            "/to-private": (302, {"Location": "http://10.0.0.7/admin"}, b""),
            "/to-metadata": (301, {"Location": "http://169.254.169.254/latest/"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/huge": (200, {}, b"x" * 5000),
            "/error": (500, {}, b""),
        }
        settings.FETCH_MAX_BYTES = 1000
        assert services.check_url(f"{receiver.url}/live") == ("online", "HTTP 200")
        assert services.check_url(f"{receiver.url}/gone") == ("gone", "HTTP 410")
        assert services.check_url(f"{receiver.url}/moved") == ("gone", "HTTP 410")
        assert services.check_url(f"{receiver.url}/to-private")[0] == "refused"
        assert services.check_url(f"{receiver.url}/to-metadata")[0] == "refused"
        assert services.check_url(f"{receiver.url}/loop")[0] == "refused"
        assert services.check_url(f"{receiver.url}/error") == ("error", "HTTP 500")
        response = fetch.fetch(f"{receiver.url}/huge")
        assert (len(response.body), response.truncated) == (1000, True)
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "http://", "http://a b/"]:
            assert services.check_url(bad)[0] == "refused"


def test_a_host_that_does_not_resolve_counts_as_gone(settings):
    assert services.check_url("http://no-such-host.invalid/x") == ("gone", "host not found")


def test_a_silent_server_times_out(settings):
    import socket

    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.FETCH_TIMEOUT = 0.5
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        port = silent.getsockname()[1]
        result, detail = services.check_url(f"http://127.0.0.1:{port}/")
    finally:
        silent.close()
    assert result == "error"
    assert "timed out" in detail.lower() or "timeout" in detail.lower()


@pytest.mark.django_db
def test_an_officer_checks_an_item_from_the_request_page(client, settings, alice, evidence_dir):
    from copnet.audit.models import AuditEvent
    from copnet.takedowns.tests.factories import make_case, make_platform

    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with local_server() as receiver:
        receiver.routes = {"/post/1": (404, {}, b"")}
        case = make_case(lead=alice.organisation, url=f"{receiver.url}/post/1")
        removal = make_request(
            case=case,
            platform=make_platform(),
            actor=alice,
            urls=[f"{receiver.url}/post/1"],
            accounts=["@someone"],
        )
        url_item, account_item = removal.items.all()
        client.force_login(alice)
        client.post(f"/staff/takedowns/items/{url_item.pk}/check/")
        client.post(f"/staff/takedowns/items/{account_item.pk}/check/")
    url_item.refresh_from_db()
    account_item.refresh_from_db()
    assert (url_item.check_result, url_item.check_detail) == ("gone", "HTTP 404")
    assert account_item.check_result == ""
    assert AuditEvent.objects.filter(reason="verification check").count() == 1
