"""The live counters as Prometheus text (SPEC §4.14.4), labelled `run, block, port`: written
to a file by headless runs (`sluicegate run --metrics FILE`, for a textfile collector) and
served at `/metrics` by the server.

The text is written by prometheus_client (`generate_latest` of a registry per call holding
one collector over the given runs' states), imported on first use: `sluicegate run` without
`--metrics` never loads it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sluicegate.atomic import atomic_write_text
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.view import RunView

RunState = tuple[str, Mapping[str, Any], Mapping[str, Any]]  # (run_id, blocks, edges)

_Metric = tuple[str, str, str, tuple[str, ...]]

_BLOCK: tuple[_Metric, ...] = (
    ("sluicegate_block_items_in_total", "counter", "Items the block read.", ("io", "items_in")),
    (
        "sluicegate_block_items_out_total",
        "counter",
        "Items the block emitted.",
        ("io", "items_out"),
    ),
    (
        "sluicegate_block_bytes_out_total",
        "counter",
        "Estimated bytes the block emitted.",
        ("io", "bytes_out"),
    ),
    ("sluicegate_block_busy_seconds_total", "counter", "Time in user code.", ("ms_total", "busy")),
    (
        "sluicegate_block_starved_seconds_total",
        "counter",
        "Time waiting for input.",
        ("ms_total", "starved"),
    ),
    (
        "sluicegate_block_backpressured_seconds_total",
        "counter",
        "Time blocked on output.",
        ("ms_total", "backpressured"),
    ),
)
_EDGE: tuple[_Metric, ...] = (
    (
        "sluicegate_port_fill_items",
        "gauge",
        "Items buffered on the edge into this port.",
        ("fill", "items"),
    ),
    ("sluicegate_port_fill_bytes", "gauge", "Estimated bytes buffered.", ("fill", "bytes")),
    (
        "sluicegate_port_fill_ratio",
        "gauge",
        "Fill over capacity (0 for full-mode edges).",
        ("fill", "ratio"),
    ),
    (
        "sluicegate_port_items_total",
        "counter",
        "Items that entered the edge.",
        ("total", "items_in"),
    ),
    (
        "sluicegate_port_discarded_total",
        "counter",
        "Items dropped after the consumer finished.",
        ("total", "discarded"),
    ),
    (
        "sluicegate_port_spilled_bytes",
        "gauge",
        "Bytes spilled to disk (full mode).",
        ("spilled", "bytes"),
    ),
    (
        "sluicegate_port_backpressure_seconds_total",
        "counter",
        "Time producers were blocked on it.",
        ("bp_ms_total",),
    ),
)


def _value(state: Mapping[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = state
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return float(value) if isinstance(value, int | float) else None


class _RunsCollector:
    """A prometheus_client collector over a fixed list of run states (one scrape's worth)."""

    def __init__(self, runs: list[RunState]) -> None:
        self.runs = runs

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        def family(name: str, kind: str, help_text: str, labels: list[str]) -> Any:
            cls = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            return cls(name, help_text, labels=labels)

        for name, kind, help_text, path in _BLOCK:
            metric = family(name, kind, help_text, ["run", "block"])
            scale = 1000.0 if name.endswith("_seconds_total") else 1.0
            for run_id, blocks, _ in self.runs:
                for block, state in blocks.items():
                    value = _value(state, path)
                    if value is not None:
                        metric.add_metric([run_id, block], value / scale)
            yield metric
        children = GaugeMetricFamily(
            "sluicegate_block_children", "Child runs per phase.", labels=["run", "block", "phase"]
        )
        for run_id, blocks, _ in self.runs:
            for block, state in blocks.items():
                for phase, count in (state.get("children") or {}).items():
                    if isinstance(count, int) and not isinstance(count, bool):
                        children.add_metric([run_id, block, phase], count)
        yield children
        for name, kind, help_text, path in _EDGE:
            metric = family(name, kind, help_text, ["run", "block", "port", "edge"])
            scale = 1000.0 if name.endswith("_seconds_total") else 1.0
            for run_id, _, edges in self.runs:
                for edge_id, state in edges.items():
                    block, _, port = edge_id.split("->")[-1].rpartition(".")
                    value = _value(state, path)
                    if value is not None:
                        metric.add_metric([run_id, block, port, edge_id], value / scale)
            yield metric


def prometheus_text(runs: Iterable[RunState]) -> str:
    """Prometheus text exposition format 0.0.4 of the runs' block and edge counters."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_RunsCollector(list(runs)))
    text: str = generate_latest(registry).decode()
    return text


class MetricsFile(RunHooks):
    """Rewrites a Prometheus text file (atomically) about once a second and at the end."""

    def __init__(self, path: Path, every_s: float = 1.0) -> None:
        self.path = path
        self.every_s = every_s
        self.last = 0.0

    def _write(self, view: RunView) -> None:
        # a full disk leaves no half-written file behind (the hook list then switches
        # this hook off)
        text = prometheus_text([(view.run_id, view.blocks(), view.edges())])
        atomic_write_text(self.path, text, fsync=False)

    def on_sample(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        if time.perf_counter() - self.last >= self.every_s:
            self.last = time.perf_counter()
            self._write(view)

    def on_run_end(
        self, *, run_id: str, status: str, error: str | None, view: RunView, **future_kwargs: Any
    ) -> None:
        self._write(view)
