"""Fixtures shared by the banks tests."""

from __future__ import annotations

import pytest

from copnet.banks import engine


@pytest.fixture
def fresh_engine():
    """This process's detection indexes start empty and are dropped after the test."""
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def analyst(client, bob):
    """The test client signed in as bob, an analyst of organisation A."""
    client.force_login(bob)
    return client
