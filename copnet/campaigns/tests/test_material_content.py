"""A material file must really be what its bytes claim: pictures decode, PDFs are complete, and
nothing hides another file. The name never decides."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.campaigns.errors import CampaignError
from copnet.campaigns.models import Material
from copnet.campaigns.services import check_material_file
from copnet.core.testing import bomb_png, picture, vi, zip_bytes

from .factories import make_campaign
from .test_materials import LEAFLET

pytestmark = pytest.mark.django_db


def test_real_pictures_are_taken_by_their_content():
    assert check_material_file(picture("PNG")) == ("image/png", "png")
    assert check_material_file(picture("JPEG")) == ("image/jpeg", "jpg")


BROKEN = {
    "png-cut-in-half": picture("PNG")[:300],
    "jpeg-cut-in-half": picture("JPEG")[:400],
    "png-header-then-garbage": b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 200,
    "pdf-magic-then-html": b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    "pdf-with-zip-appended": LEAFLET + zip_bytes({"run.sh": b"rm -rf /"}),
    "png-with-zip-appended": picture("PNG") + zip_bytes({"run.sh": b"rm -rf /"}),
    "pixel-bomb": bomb_png(20_000, 20_000),
    "gif": picture("GIF"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_file_that_is_not_a_complete_pdf_png_or_jpeg_is_refused(name):
    with pytest.raises(CampaignError) as error:
        check_material_file(BROKEN[name])

    assert error.value.code == "file_type"
    assert error.value.field == "file"


def test_a_broken_picture_is_refused_on_the_page_in_vietnamese_and_nothing_is_kept(
    client, org_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = make_campaign(organisation=org_a)
    client.force_login(make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR))

    with translation.override("vi"):
        response = client.post(
            reverse("campaigns_staff:material_add", args=[campaign.pk]),
            {"title": "Áp phích", "kind": "leaflet", "language": "vi",
             "upload": SimpleUploadedFile("poster.png", BROKEN["png-cut-in-half"])},
            HTTP_ACCEPT_LANGUAGE="vi",
        )  # fmt: skip

    assert response.status_code == 400
    assert vi("This picture is broken or only partly there. Please save it again and retry.") in (
        response.content.decode()
    )
    assert not Material.objects.exists()
    assert not (tmp_path / "media" / "campaign-materials").exists()
