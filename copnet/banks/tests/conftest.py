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


@pytest.fixture
def index_file(settings, tmp_path, fresh_engine):
    """PDQ matched on the machine's index file, in a folder of this test; returns its path."""
    settings.PDQ_INDEX_DIR = str(tmp_path / "index")
    return tmp_path / "index" / "pdq.index"
