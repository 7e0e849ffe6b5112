"""Shared fixtures: the alice/bob/charlie cast and the reference data."""

from __future__ import annotations

import signal

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
    # Files on the local disk unless a test asks for the object store (`file_storage`).
    settings.EVIDENCE_STORAGE_URL = ""
    # PDQ indexed in memory; the machine's index file is tested with a folder of its own
    # (banks/tests/test_machine_index*.py).
    settings.PDQ_INDEX_DIR = ""
    return settings


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """Code run in-process (an RQ worker's `work()`, the scheduler) installs SIGTERM and SIGINT
    handlers; left in place, processes a later test forks inherit them and ignore SIGTERM."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        if signal.getsignal(sig) is not handler and handler is not None:
            signal.signal(sig, handler)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_step(request, monkeypatch):
    """`client.force_login(user)` signs in with both steps, as if the person had typed a code
    from their authenticator app: the session is marked as having passed the second step, with
    the user's device or a new authenticator device named "test"
    (copnet.core.testing.pass_second_factor). Without this every staff page would answer with
    the second step. Tests of the second step itself use `@pytest.mark.raw_second_factor`:
    force_login then stops after the password, as the login page does."""
    if request.node.get_closest_marker("raw_second_factor"):
        return
    from django.test.client import ClientMixin

    from copnet.core.testing import pass_second_factor

    force_login = ClientMixin.force_login

    def force_login_with_second_step(self, user, backend=None):
        user.refresh_from_db(fields=["session_stamp"])  # the session is signed with it
        force_login(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_second_step)


def _load_reference_data():
    call_command("load_reference_data", verbosity=0)


@pytest.fixture(scope="session")
def _reference_snapshot(django_db_setup, django_db_blocker):
    """load_reference_data run once on the migrated database (rolled back), its rows kept."""
    from copnet.core.reference_snapshot import take_snapshot

    with django_db_blocker.unblock():
        take_snapshot(_load_reference_data)


@pytest.fixture
def reference_data(db, _reference_snapshot):
    """The reference data as `load_reference_data` makes it (copied: core/reference_snapshot.py)."""
    from copnet.core.reference_snapshot import load_reference_data_fast

    load_reference_data_fast(_load_reference_data)


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


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks in-process when the enqueuing transaction commits. Use it with
    `django_db(transaction=True)`, so that commits (and on_commit hooks) really happen."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    return settings.TASKS


@pytest.fixture
def evidence_dir(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 API server (moto's standalone server) on a free local port, for the session."""
    from copnet.core.testing_storage import LocalS3Server

    with LocalS3Server.running(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def file_storage(request, settings, tmp_path):
    """Evidence and evaluation files in the local vault, then (second run of the test) on the
    S3 API server, in a bucket of their own. Returns "local" or "s3"."""
    from copnet.core.testing_storage import ACCESS_KEY, SECRET_KEY

    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.EVALUATION_FILES_ROOT = tmp_path / "evaluation-files"
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        settings.EVIDENCE_STORAGE_URL = server.storage_url(server.new_bucket())
        settings.EVIDENCE_STORAGE_ACCESS_KEY_ID = ACCESS_KEY
        settings.EVIDENCE_STORAGE_SECRET_ACCESS_KEY = SECRET_KEY
    return request.param


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    from copnet.core.ratelimit_store import forget_all

    for alias in ("default", "pages"):
        caches[alias].clear()
    forget_all()  # rate-limit counters (their own SQLite file when there is no Redis)
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()
    forget_all()


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A page in headless Chromium (Debian's package), in Vietnamese, desktop-sized."""
    import os

    from copnet.core.testing import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium package")
        pytest.skip("no Chromium on this machine (apt install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself stay synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
        # ORM calls made inside Playwright's greenlet opened their own connections; close them
        # so that the test database can be dropped at the end of the session.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def evaluation_files_dir(settings, tmp_path):
    """Where vendors' documents and evaluators' evidence files go (encrypted) in a test."""
    settings.EVALUATION_FILES_ROOT = tmp_path / "evaluation-files"
    return settings.EVALUATION_FILES_ROOT


@pytest.fixture
def volunteer(coordinator):
    """A trained adult volunteer in Hà Nội (province 01) who may take tasks."""
    from copnet.volunteers.tests.factories import make_volunteer

    return make_volunteer(coordinator, level="trained", email="ctv.hanoi@example.vn")
