"""The soak test's arithmetic (bench/soak.py): slices of a phase add up to the phase."""

import pytest


@pytest.fixture
def soak(monkeypatch, request):
    monkeypatch.syspath_prepend(str(request.config.rootpath / "bench"))
    import soak

    return soak


def wrk_run(requests, rps, latency, statuses=None):
    return {
        "requests": requests,
        "rps": rps,
        "latency": latency,
        "statuses": statuses or {200: requests},
    }


def test_slices_add_up_to_one_phase(soak):
    fast = wrk_run(900, 100.0, {10_000: 891, 20_000: 9})  # 9 s, p99 10 ms
    slow = wrk_run(100, 10.0, {10_000: 50, 300_000: 50}, {200: 99, 503: 1})  # 10 s

    phase = soak.together([fast, slow])

    assert phase["requests"] == 1000
    assert phase["rps"] == pytest.approx(1000 / 19)
    assert phase["statuses"] == {200: 999, 503: 1}
    # 941 requests took 10 ms, 9 took 20 ms, 50 took 300 ms: the slow slice's tail shows.
    assert (phase["p50"], phase["p99"]) == (10.0, 300.0)


def test_percentiles_of_a_histogram(soak):
    histogram = {1_000: 50, 2_000: 40, 5_000: 9, 80_000: 1}

    assert soak.percentile(histogram, 50) == 1.0
    assert soak.percentile(histogram, 90) == 2.0
    assert soak.percentile(histogram, 99) == 5.0
    assert soak.percentile(histogram, 100) == 80.0
    assert soak.percentile({}, 99) is None
