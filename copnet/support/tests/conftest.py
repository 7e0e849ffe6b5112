import pytest


@pytest.fixture(autouse=True)
def _reference(reference_data):
    """Every test here needs the harm categories (cases are opened through intake)."""


@pytest.fixture
def local_hotline(settings):
    """Outbound HTTP may reach the tests' local receiver; short timeouts and few attempts."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SUPPORT_WEBHOOK_TIMEOUT = 1
    settings.SUPPORT_WEBHOOK_MAX_ATTEMPTS = 3
    settings.SUPPORT_WEBHOOK_BACKOFF_SECONDS = 30
    return settings
