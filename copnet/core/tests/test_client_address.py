"""Who the client is: X-Forwarded-For counts only when our own proxy sent it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from copnet.core.client_address import client_bucket, client_ip, resolve_client, trusted_networks
from copnet.core.tests.test_settings_env import run_manage

PROXIES = trusted_networks(("10.0.0.0/8", "127.0.0.1/32", "2001:db8:ff::/48"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        pytest.param("203.0.113.5", "", "203.0.113.5", id="no-proxy"),
        pytest.param("203.0.113.5", "198.51.100.7", "203.0.113.5", id="forged-from-a-stranger"),
        pytest.param("10.0.0.2", "198.51.100.7", "198.51.100.7", id="from-our-proxy"),
        pytest.param("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7", id="forged-left-part"),
        pytest.param("10.0.0.2", "198.51.100.7, 10.0.0.9", "198.51.100.7", id="two-proxies"),
        pytest.param("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8", id="all-ours"),
        pytest.param("10.0.0.2", "garbage, 198.51.100.7", "198.51.100.7", id="garbage-left"),
        pytest.param("10.0.0.2", "198.51.100.7, garbage", "10.0.0.2", id="garbage-right"),
        pytest.param("10.0.0.2", "198.51.100.7:4711", "198.51.100.7", id="v4-with-port"),
        pytest.param("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1", id="v6-with-port"),
        pytest.param("::ffff:10.0.0.2", "198.51.100.7", "198.51.100.7", id="v4-mapped-peer"),
        pytest.param("2001:db8:ff::1", "2001:db8:1::5", "2001:db8:1::5", id="v6-proxy"),
        pytest.param("", "198.51.100.7", "unknown", id="no-peer"),
    ],
)
def test_the_client_is_the_right_most_address_our_proxies_did_not_write(peer, forwarded, client):
    assert resolve_client(peer, forwarded, PROXIES) == client


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert client_ip(request) == "127.0.0.1"


def test_behind_the_configured_proxy_the_forwarded_address_is_used(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"


def test_an_ipv6_client_is_counted_by_its_64_prefix(settings):
    settings.TRUSTED_PROXIES = []
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert client_bucket(one) == client_bucket(other) == "2001:db8:1:2::/64"
    assert client_bucket(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


def test_a_bad_proxy_setting_stops_the_start(tmp_path):
    done = run_manage(
        ["check"],
        {"COPNET_DATA_DIR": str(tmp_path), "COPNET_TRUSTED_PROXIES": "10.0.0.0/8,not-a-network"},
    )
    assert done.returncode != 0
    assert "COPNET_TRUSTED_PROXIES" in done.stderr
