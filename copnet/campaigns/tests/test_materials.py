"""The materials library accepts PDF, PNG and JPEG files up to 10 MB, judged by their bytes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.campaigns.models import Material

from .factories import make_campaign

pytestmark = pytest.mark.django_db

# A complete (if tiny) PDF: header, one object, trailer and end-of-file marker.
LEAFLET = (
    b"%PDF-1.4\n%leaflet\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(client, campaign, data: bytes, name: str):
    return client.post(
        reverse("campaigns_staff:material_add", args=[campaign.pk]),
        {"title": "Tờ rơi", "kind": "leaflet", "language": "vi",
         "upload": SimpleUploadedFile(name, data)},
    )  # fmt: skip


def test_a_pdf_leaflet_is_added_and_served_on_the_public_page(client, org_a, media):
    campaign = make_campaign(organisation=org_a)
    client.force_login(make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR))
    assert _upload(client, campaign, LEAFLET, "leaflet.pdf").status_code == 302
    material = Material.objects.get()
    assert material.mime == "application/pdf"
    served = Client().get(reverse("campaigns:material", args=[material.pk]))
    assert served.content == LEAFLET
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"<html><script>alert(1)</script>", "leaflet.pdf"), (b"MZ\x90\x00", "poster.png")],
)
def test_other_files_are_refused(client, org_a, media, data, name):
    campaign = make_campaign(organisation=org_a)
    client.force_login(make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR))
    assert _upload(client, campaign, data, name).status_code == 400
    assert not Material.objects.exists()
    assert not (media / "campaign-materials").exists()


def test_an_oversized_file_is_refused(client, org_a, media):
    campaign = make_campaign(organisation=org_a)
    client.force_login(make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR))
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    assert _upload(client, campaign, big, "big.pdf").status_code == 400
    assert not Material.objects.exists()


def test_materials_of_an_offline_campaign_are_not_public(client, org_a, media):
    campaign = make_campaign(organisation=org_a, public=False)
    editor = make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR)
    client.force_login(editor)
    _upload(client, campaign, LEAFLET, "a.pdf")
    material = Material.objects.get()
    assert Client().get(reverse("campaigns:material", args=[material.pk])).status_code == 404
    assert client.get(reverse("campaigns:material", args=[material.pk])).status_code == 200
