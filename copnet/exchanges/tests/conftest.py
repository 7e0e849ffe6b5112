from __future__ import annotations

import pytest

from .servers import HotlineServer, NcmecServer, StopNciiServer, ThreatExchangeServer


@pytest.fixture
def fast_retries(settings):
    settings.EXCHANGE_HTTP_ATTEMPTS = 3
    settings.EXCHANGE_HTTP_TIMEOUT = 2
    settings.EXCHANGE_MAX_RETRY_WAIT = 0
    return settings


@pytest.fixture
def ncmec_server(fast_retries):
    with NcmecServer().running() as server:
        yield server


@pytest.fixture
def stopncii_server(fast_retries):
    with StopNciiServer().running() as server:
        yield server


@pytest.fixture
def te_server(fast_retries):
    with ThreatExchangeServer().running() as server:
        yield server


@pytest.fixture
def hotline_server(fast_retries):
    with HotlineServer().running() as server:
        yield server


@pytest.fixture(autouse=True)
def _english_messages():
    """Services' messages are checked in English here; pages are checked in Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
