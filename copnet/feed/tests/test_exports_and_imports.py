"""RPZ checked by BIND's named-checkzone; imports refuse bad hosts and huge lists whole."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from copnet.feed import services
from copnet.feed.exports import rpz_zone, valid_dns_name
from copnet.feed.models import FeedEntry
from copnet.taxonomy.models import HarmCategory

CHECKZONE = shutil.which("named-checkzone")


def _import(text, kind="host", category="pornography", **extra):
    return services.do_import_list(
        text=text, kind=kind, category=HarmCategory.objects.get(code=category), actor=None, **extra
    )


@pytest.mark.django_db
def test_the_rpz_export_passes_named_checkzone(client, settings, tmp_path, org_a):
    if CHECKZONE is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install bind9-utils (named-checkzone)")
        pytest.skip("named-checkzone is not installed (apt install bind9-utils)")
    from copnet.accounts.services import do_create_api_key

    key = do_create_api_key(organisation=org_a, name="dns", actor=None)[1]
    _import("bad.example\nbücher.example\n_sip.evil-site.example\nsub.domain.co.uk")
    _import("csam-host.example", category="csam")
    services.do_publish(actor=None)
    auth = {"Authorization": f"Bearer {key}"}
    zone = client.get("/api/v1/feed/rpz", headers=auth).content.decode()
    path = tmp_path / "copnet.rpz"
    path.write_text(zone)
    result = subprocess.run(
        [CHECKZONE, "-i", "local", settings.FEED_RPZ_ZONE, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded serial 1" in result.stdout
    assert "xn--bcher-kva.example CNAME . ; pornography\n*.xn--bcher-kva.example CNAME .\n" in zone
    only_csam = client.get("/api/v1/feed/rpz?category=csam", headers=auth).content.decode()
    assert "csam-host.example CNAME" in only_csam
    assert "bad.example" not in only_csam
    hosts = client.get("/api/v1/feed/hosts", headers=auth).content.decode().splitlines()
    assert "0.0.0.0 xn--bcher-kva.example" in hosts


def test_an_empty_zone_is_still_valid(tmp_path):
    if CHECKZONE is None:
        pytest.skip("named-checkzone is not installed")
    path = tmp_path / "empty.rpz"
    path.write_text(rpz_zone([], origin="rpz.test", serial=0))
    result = subprocess.run([CHECKZONE, "rpz.test", str(path)], capture_output=True, check=False)
    assert result.returncode == 0


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("192.168.1.10", "ip_literal"),
        ("[::1]", "ip_literal"),
        ("0x7f.1", "ip_literal"),
        ("xn--zz.example", "bad_punycode"),
        ("example.com/path", "not_a_host"),
        ("com", "too_broad"),
        ("bad host.example", "bad_host"),
        ("exa%mple.com", "bad_host"),
        ("javascript:alert(1)", "bad_host"),
    ],
)
@pytest.mark.django_db
def test_bad_hosts_refuse_the_whole_list(line, code):
    with pytest.raises(services.FeedError) as caught:
        services.check_host(line)
    assert caught.value.code == code
    with pytest.raises(services.FeedError) as whole:
        _import(f"good.example\n{line}\nother.example")
    assert whole.value.code == "bad_lines"
    assert whole.value.errors[0].startswith("dòng 2: ")  # Vietnamese, the default language
    assert FeedEntry.objects.count() == 0


@pytest.mark.django_db
def test_unicode_and_punycode_spellings_are_one_entry():
    result = _import("Bücher.example\nxn--bcher-kva.example\nBÜCHER.EXAMPLE.")
    assert (result.added, result.duplicates) == (1, 2)
    entry = FeedEntry.objects.get()
    assert entry.value == "xn--bcher-kva.example"
    assert entry.display_value == "bücher.example"
    assert _import("xn--bcher-kva.example").duplicates == 1


@pytest.mark.django_db
def test_huge_lists_are_refused_before_anything_is_written(settings):
    settings.FEED_MAX_IMPORT_BYTES = 1000
    with pytest.raises(services.FeedError) as too_large:
        _import("a.example\n" * 200)
    assert too_large.value.code == "too_large"
    settings.FEED_MAX_IMPORT_BYTES = 10_000_000
    settings.FEED_MAX_IMPORT_LINES = 50
    with pytest.raises(services.FeedError) as too_long:
        _import("".join(f"h{i}.example\n" for i in range(51)))
    assert too_long.value.code == "too_many_lines"
    with pytest.raises(services.FeedError) as broken:
        _import("ok.example\nbad\udcff.example")
    assert broken.value.code == "bad_lines"
    assert FeedEntry.objects.count() == 0


def test_dns_names_are_checked_label_by_label():
    assert valid_dns_name("a-b.example")
    assert valid_dns_name("_dmarc.example")
    assert not valid_dns_name("-a.example")
    assert not valid_dns_name("a" * 64 + ".example")
    assert not valid_dns_name("single")
    assert not valid_dns_name("UPPER.example")
