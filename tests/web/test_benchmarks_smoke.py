"""Smoke runs of the server benchmarks (B5, B6) with `--quick --runs 1`: each starts the real
server, runs to the end in well under 20 s and prints its figures as one JSON object on its
last line. The figures of a quick run mean nothing; only their presence is checked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from api_helpers import REPO

FIGURES = {
    "b5_telemetry_overhead": ("ratio", "with_clients_s", "without_clients_s", "frames_per_client"),
    "b6_event_latency": ("p50_ms", "p95_ms", "burst_p95_ms", "events_per_run"),
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_server_benchmark_prints_its_figures_as_the_last_line(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / f"{name}.py"), "--quick", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("run 1:"), "one line per run before the figures"
    figures = json.loads(lines[-1])
    assert figures["benchmark"] == name
    assert (figures["runs"], figures["quick"]) == (1, True)
    for key in FIGURES[name]:
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    assert isinstance(figures["target_met"], bool)
