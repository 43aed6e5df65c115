"""Pure functions that turn kernel counters into the values telemetry shows.

No state and no I/O: the kernel's sampler calls them, the tests pin them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from sluicegate.protocol.vocab import BpLevel, FillLevel

# SPEC §4.7.2 "Derived UI label", worst first. Running blocks rank by activity.
LABEL_PRECEDENCE: tuple[str, ...] = (
    "failed",
    "cancelled",
    "upstream_failed",
    "skipped",
    "succeeded",
    "backpressured",
    "starved",
    "waiting_children",
    "busy",
    "running",  # running, but no activity sampled yet
    "ready",
    "waiting",
    "created",
)
_PHASE_WORD = {"ready": "QUEUED"}


def fill_level(ratio: float) -> FillLevel:
    """NiFi colours for an edge's fill ratio: yellow above 60 %, red above 85 %."""
    if ratio > 0.85:
        return "red"
    if ratio > 0.60:
        return "yellow"
    return "green"


def bp_level(frac_backpressured: float) -> BpLevel:
    """Flink's back-pressure levels from `frac.backpressured`."""
    if frac_backpressured <= 0.10:
        return "OK"
    if frac_backpressured <= 0.50:
        return "LOW"
    return "HIGH"


def round3(x: float) -> float:
    """Round to 3 significant digits: 0.123456 → 0.123, 1234.5 → 1230.0."""
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.3g}")


def label_rank(phase: str, activity: str | None = None) -> int:
    """Position in the label precedence: lower is worse, so `min` picks the worst child."""
    key = activity if phase == "running" and activity else phase
    return LABEL_PRECEDENCE.index(key)


def label(
    phase: str, activity: str | None = None, flags: Iterable[str] = (), reason: str | None = None
) -> str:
    """The block's display label: `"BACKPRESSURED"`, `"STARVED · ACCUMULATING"`,
    `"BUSY · DRAINING"`, `"QUEUED"`, `"WAITING (start_rule)"`, `"SUCCEEDED"`, ...

    Outside `running` the phase decides and a reason, if any, follows in brackets.
    While running the activity decides; `starved` shows `accumulating`, `busy` shows
    `accumulating` and `draining`, the other activities show no flag.
    """
    if phase != "running":
        word = _PHASE_WORD.get(phase, phase.upper())
        return f"{word} ({reason})" if reason else word
    if not activity:
        return "RUNNING"
    shown = {"starved": ("accumulating",), "busy": ("accumulating", "draining")}
    present = set(flags)
    parts = [activity.upper()] + [f.upper() for f in shown.get(activity, ()) if f in present]
    return " · ".join(parts)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round3(value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Fields of `new` that differ from `old`, recursing into nested dicts.

    Floats are rounded to 3 significant digits before comparing, and returned rounded.
    A key present in `old` but gone from `new` comes back as `None` (cleared). Lists and
    scalars are compared and returned whole; ints are never rounded (they are counters).
    """
    out: dict[str, Any] = {}
    for key, value in new.items():
        fresh = _rounded(value)
        if key not in old:
            out[key] = fresh
            continue
        before = old[key]
        if isinstance(fresh, dict) and isinstance(before, dict):
            nested = diff(before, fresh)
            if nested:
                out[key] = nested
        elif not _same(_rounded(before), fresh):
            out[key] = fresh
    out.update({key: None for key in old if key not in new})
    return out
