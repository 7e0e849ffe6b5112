"""Shared fixtures: the alice/bob/charlie cast and the reference data."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Templates find static files without a prior collectstatic; hashing is tested by `make run`.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Argon2 is slow by design; tests that check hashing switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def org_a(db):
    from copnet.network.tests.factories import make_organisation

    return make_organisation(code="ORGA", name_en="Organisation A")


@pytest.fixture
def org_b(db):
    from copnet.network.tests.factories import make_organisation

    return make_organisation(code="ORGB", name_en="Organisation B")


@pytest.fixture
def alice(org_a):
    """Officer of organisation A."""
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    return make_user(email="alice@a.example", organisation=org_a, role=Role.OFFICER)


@pytest.fixture
def bob(org_a):
    """Analyst of organisation A (Alice's colleague)."""
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    return make_user(email="bob@a.example", organisation=org_a, role=Role.ANALYST)


@pytest.fixture
def charlie(org_b):
    """Officer of organisation B."""
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    return make_user(email="charlie@b.example", organisation=org_b, role=Role.OFFICER)


@pytest.fixture
def coordinator(reference_data):
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user
    from copnet.network.models import Organisation

    return make_user(
        email="coord@vncert.example",
        role=Role.COORDINATOR,
        organisation=Organisation.objects.get(code="VNCERT"),
    )
