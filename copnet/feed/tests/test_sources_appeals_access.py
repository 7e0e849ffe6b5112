"""Entries from closed cases and address lists; the public appeal; coordinators only."""

from __future__ import annotations

import pytest

from copnet.cases.models import Case
from copnet.cases.services import do_transition
from copnet.feed import services
from copnet.feed.models import Appeal, FeedEntry
from copnet.reports.tests.factories import file_report, make_image
from copnet.taxonomy.models import HarmCategory


def _closed_case(actor, outcome="content_removed"):
    report, _secret = file_report(
        category="violence", urls=["https://gore.example/v/1"], images=[make_image(7)]
    )
    case = report.case
    for step in ["triaged", "assigned", "in_progress", "action_taken"]:
        do_transition(case=case, target=step, actor=actor)
    do_transition(case=case, target="closed", actor=actor, outcome=outcome, reason="done")
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_a_closed_case_feeds_its_addresses_and_image_hashes(client, coordinator, evidence_dir):
    case = _closed_case(coordinator)
    added = services.do_add_case(case=case, actor=coordinator, hosts=["gore.example"])
    kinds = sorted(FeedEntry.objects.values_list("kind", "signal_type", "value"))
    assert added == len(kinds) >= 4
    assert ("url", "", "gore.example/v/1") in kinds
    assert ("host", "", "gore.example") in kinds
    assert {k[1] for k in kinds if k[0] == "hash"} >= {"md5", "sha256"}
    assert set(FeedEntry.objects.values_list("case", flat=True)) == {case.pk}
    assert services.do_add_case(case=case, actor=coordinator) == 0  # already in
    services.do_publish(actor=None)
    client.force_login(coordinator)
    page = client.get("/staff/feed/").content.decode()
    assert case.reference in page
    hashes = client.get("/api/v1/feed/list?kind=hash", headers={}).content.decode()
    assert hashes == ""  # nothing is public yet


@pytest.mark.django_db
def test_a_rejected_case_cannot_feed_the_list(coordinator, evidence_dir):
    report, _secret = file_report(category="violence", urls=["https://ok.example/"])
    do_transition(
        case=report.case, target="rejected", actor=coordinator, outcome="not_harmful", reason="x"
    )
    case = Case.objects.get(pk=report.case.pk)
    with pytest.raises(services.FeedError) as refused:
        services.do_add_case(case=case, actor=coordinator)
    assert refused.value.code == "case_not_confirmed"
    assert FeedEntry.objects.count() == 0


@pytest.mark.django_db
def test_an_address_list_from_detection_joins_the_feed(coordinator):
    from copnet.banks.models import UrlList
    from copnet.banks.services import import_urls

    url_list = UrlList.objects.create(
        name="partner", category=HarmCategory.objects.get(code="scam_gambling")
    )
    import_urls(
        url_list=url_list,
        text="casino.example\nhttps://scam.example/kids/\n203.0.113.5\n",
        actor=coordinator,
    )
    assert services.do_import_url_list(url_list=url_list, actor=coordinator) == 2
    assert sorted(FeedEntry.objects.values_list("kind", "value")) == [
        ("host", "casino.example"),
        ("url", "scam.example/kids/"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_site_owner_appeal_opens_a_case_and_can_withdraw_entries(
    client, coordinator, immediate_tasks, evidence_dir
):
    services.do_import_list(
        text="wrongly-blocked.example",
        kind="host",
        category=coordinator.organisation
        and __import__(
            "copnet.taxonomy.models", fromlist=["HarmCategory"]
        ).HarmCategory.objects.get(code="violence"),
        actor=coordinator,
    )
    services.do_publish(actor=None)
    page = client.get("/feed/appeal/")
    assert page.status_code == 200
    bad = client.post(
        "/feed/appeal/",
        {"address": "javascript:alert(1)", "contact": "owner@site.example", "explanation": "x"},
    )
    assert bad.status_code == 400
    assert Appeal.objects.count() == 0
    response = client.post(
        "/feed/appeal/",
        {
            "address": "https://shop.wrongly-blocked.example/",
            "contact": "owner@site.example",
            "explanation": "<script>alert(1)</script> Chúng tôi bán sách",
        },
    )
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.case is not None
    assert [e.value for e in appeal.entries.all()] == ["wrongly-blocked.example"]
    client.force_login(coordinator)
    manage = client.get("/staff/feed/").content.decode()
    assert "&lt;script&gt;" not in manage or "<script>alert" not in manage
    assert appeal.case.reference in manage
    client.post(f"/staff/feed/appeals/{appeal.pk}/decide/", {"uphold": "on", "reason": "sai"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld"
    assert FeedEntry.objects.get().withdrawn_at is not None
    version = services.do_publish(actor=None)
    assert version.withdrawn == 1


@pytest.mark.django_db
def test_only_coordinators_manage_the_feed(client, alice, bob, coordinator):

    services.do_import_list(
        text="x.example", kind="host", category=HarmCategory.objects.get(code="csam"), actor=None
    )
    entry = FeedEntry.objects.get()
    for user in (alice, bob):
        client.force_login(user)
        assert client.get("/staff/feed/").status_code == 403
        assert client.post("/staff/feed/publish/").status_code == 403
        client.post(f"/staff/feed/entries/{entry.pk}/withdraw/", {"reason": "x"})
    entry.refresh_from_db()
    assert entry.withdrawn_at is None
    client.force_login(coordinator)
    client.post(f"/staff/feed/entries/{entry.pk}/withdraw/", {"reason": "mistake"})
    entry.refresh_from_db()
    assert entry.withdrawn_reason == "mistake"


@pytest.mark.django_db
def test_a_huge_upload_in_the_form_changes_nothing(client, coordinator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FEED_MAX_IMPORT_BYTES = 100
    client.force_login(coordinator)
    category = HarmCategory.objects.get(code="csam")
    response = client.post(
        "/staff/feed/import/",
        {
            "kind": "host",
            "category": category.pk,
            "file": SimpleUploadedFile("list.txt", b"a.example\n" * 50),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert FeedEntry.objects.count() == 0
    response = client.post(
        "/staff/feed/import/",
        {"kind": "host", "category": category.pk, "file": SimpleUploadedFile("l.txt", b"\xff\xfe")},
        follow=True,
    )
    assert FeedEntry.objects.count() == 0
