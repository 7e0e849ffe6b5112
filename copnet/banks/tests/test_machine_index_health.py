"""/api/v1/health names the detection index file's state (a word, never its path), and a
damaged file makes the platform "degraded" until the next match rebuilds it."""

from __future__ import annotations

import pytest

from copnet.banks.services import match_hashes
from copnet.core.health import HealthReport
from copnet.core.health_checks import check_components, problems_of, register_health_check

from .factories import PDQ_A, add_hash, make_bank

pytestmark = pytest.mark.django_db


def index_state(client) -> str:
    body = client.get("/api/v1/health").json()
    return body["components"]["pdq_index"]


def test_the_index_file_is_not_built_then_ok_then_damaged_then_rebuilt(client, index_file):
    add_hash(make_bank(), PDQ_A)
    assert index_state(client) == "not built"
    assert not index_file.exists()  # asking builds nothing

    match_hashes([("pdq", PDQ_A)])
    assert index_state(client) == "ok"

    index_file.write_bytes(b"NOTANIDX" + index_file.read_bytes()[8:])
    body = client.get("/api/v1/health").json()
    assert body["components"]["pdq_index"] == "error: damaged"
    assert str(index_file.parent) not in str(body)

    assert len(match_hashes([("pdq", PDQ_A)])[0]) == 1  # rebuilt from the database
    assert index_state(client) == "ok"


def test_pdq_kept_in_memory_says_so(client, settings, fresh_engine):
    settings.PDQ_INDEX_DIR = ""
    assert index_state(client) == "in memory"


def test_a_component_in_error_degrades_the_platform_and_a_raising_check_is_reported():
    ok = HealthReport(database="ok", tasks="ok", tasks_backend="database")
    assert ok.status == "ok"
    damaged = HealthReport(
        database="ok", tasks="ok", tasks_backend="database", components={"x": "error: damaged"}
    )
    assert damaged.status == "degraded"
    assert (
        HealthReport(
            database="ok", tasks="ok", tasks_backend="database", components={"x": "not built"}
        ).status
        == "ok"
    )

    def broken() -> str:
        raise RuntimeError("/secret/path/pdq.index")

    register_health_check("zz_broken", broken, problem="zz is broken")
    try:
        states = check_components()
        shown = problems_of(states)
    finally:
        from copnet.core.health_checks import HEALTH_CHECKS

        del HEALTH_CHECKS["zz_broken"]
    assert states["zz_broken"] == "error: RuntimeError"
    assert shown == ["zz is broken"]
    assert "secret" not in str(states)
