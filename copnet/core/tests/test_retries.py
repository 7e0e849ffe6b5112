"""One backoff rule for every outbound delivery: doubling from the first wait, capped."""

from copnet.core.retries import MAX_WAIT_SECONDS, doubling_wait


def test_waits_double_and_stop_at_the_cap():
    assert [doubling_wait(30, attempt) for attempt in (1, 2, 3)] == [30, 60, 120]
    assert doubling_wait(30, 20) == MAX_WAIT_SECONDS
    assert doubling_wait(60, 20, cap=None) == 60 * 2**19
