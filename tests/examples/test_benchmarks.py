"""Smoke runs of `benchmarks/b*.py` with `--quick --runs 1`: each one runs to the end and
prints its figures as one JSON object on its last line (what `make bench` and tools read).
The figures of a quick run mean nothing; only their presence is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIGURES = {
    "b1_first_output": ("stream_first_s", "batch_first_s", "ratio_to_critical_path"),
    "b2_child_overhead": ("children_per_s",),
    "b3_stream_throughput": ("ratio", "engine_s", "plain_s"),
    "b3d_dict_isolation": ("ratio", "engine_s", "plain_s"),
    "b4_memory_generator": ("peak_rss_mb_50", "peak_rss_mb_500", "ratio"),
    "b8_cpu_fanout": ("thread_s", "process_s", "process_speedup"),
    "b9_replay": ("bytes_per_minute", "seek_ms_max", "raw_bytes_per_minute"),
}
# Smoke-tested in their own tier: b5 and b6 need the server (tests/web), b7 the browser
# (tests/e2e/test_responsiveness.py).
SMOKED_ELSEWHERE = {"b5_telemetry_overhead", "b6_event_latency", "b7_ui_responsiveness"}


def test_every_benchmark_script_is_smoke_tested(repo: Path) -> None:
    scripts = {p.stem for p in (repo / "benchmarks").glob("b*.py")}
    assert scripts == set(FIGURES) | SMOKED_ELSEWHERE


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_benchmark_prints_its_figures_as_the_last_line(repo: Path, name: str) -> None:
    script = repo / "benchmarks" / f"{name}.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=90,
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
