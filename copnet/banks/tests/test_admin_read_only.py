"""The admin site only shows banks and lists: an edit there would skip validation, audit and
the detection-data generation that every process follows."""

from __future__ import annotations

import pytest
from django.contrib.admin import site

from copnet.banks.models import BankEntry, HashBank, UrlList, UrlListEntry


@pytest.mark.django_db
@pytest.mark.parametrize("model", [HashBank, BankEntry, UrlList, UrlListEntry])
def test_the_admin_site_offers_no_add_change_or_delete(rf, coordinator, model):
    coordinator.is_superuser = True
    request = rf.get("/admin/")
    request.user = coordinator
    admin = site._registry[model]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)
