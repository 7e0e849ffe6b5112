"""Every model registered on the administration site opens: its list and its add form."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _models() -> list[tuple[str, str]]:
    return sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry)


@pytest.mark.parametrize(("app", "model"), _models())
def test_the_admin_list_and_add_pages_open(client, reference_data, django_user_model, app, model):
    root = django_user_model.objects.create_superuser(email="root@example.vn", password="R-2026-x")
    client.force_login(root)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    model_admin = next(
        admin_class
        for model_class, admin_class in admin.site._registry.items()
        if (model_class._meta.app_label, model_class._meta.model_name) == (app, model)
    )
    add = client.get(reverse(f"admin:{app}_{model}_add"))
    expected = 200 if model_admin.has_add_permission(add.wsgi_request) else 403
    assert add.status_code == expected
