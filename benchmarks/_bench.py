"""Shared by the benchmark scripts: paths, the `--runs`/`--quick` options, medians, output.

Every script prints one line per run and then ONE JSON object with its figures as its last
line, so `make bench` output can be read by people and by tools alike. Scripts import the
kernel lazily, after `use_server()` put `server/` on `sys.path`, so they run from a checkout
without an installed package.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
# Servers the benchmarks start need a token like any other (the README's Security section);
# the same one as the test servers, so the browser benchmark's `measure` serves both.
TOKEN = "sluicegate-test-token"
AUTH = {"Authorization": f"token {TOKEN}"}
EXAMPLES = ROOT / "examples"  # the demo workspace: examples/pipelines/<name>/
WORKSPACE = ROOT / "benchmarks"  # benchmark-only pipelines: benchmarks/pipelines/<name>/


def use_server() -> None:
    """Make `import sluicegate` find this checkout's package."""
    if str(SERVER) not in sys.path:
        sys.path.insert(0, str(SERVER))


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--runs", type=int, default=3, help="runs to take the median of (default 3)")
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes, for a smoke test (figures meaningless)"
    )
    return p


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def show_run(index: int, **figures: Any) -> None:
    """One human-readable line per run."""
    parts = " ".join(f"{k}={_fmt(v)}" for k, v in figures.items())
    print(f"run {index + 1}: {parts}", flush=True)


def emit(figures: dict[str, Any]) -> None:
    """The benchmark's result: one JSON object, the last line of its output."""
    print(json.dumps(figures), flush=True)


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
