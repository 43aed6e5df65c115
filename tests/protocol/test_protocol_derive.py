"""The pure helpers behind telemetry: levels, labels, rounding and deltas."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sluicegate.protocol.derive import LABEL_PRECEDENCE
from sluicegate.protocol.telemetry import (
    BlockTelemetry,
    Delta,
    Frac,
    bp_level,
    diff,
    fill_level,
    label,
    label_rank,
    round3,
)


@pytest.mark.parametrize(
    ("ratio", "level"),
    [
        (0.0, "green"),
        (0.60, "green"),
        (0.61, "yellow"),
        (0.85, "yellow"),
        (0.86, "red"),
        (1.2, "red"),
    ],
)
def test_fill_level_follows_nifi_thresholds(ratio: float, level: str) -> None:
    assert fill_level(ratio) == level


@pytest.mark.parametrize(
    ("frac", "level"),
    [(0.0, "OK"), (0.10, "OK"), (0.11, "LOW"), (0.50, "LOW"), (0.51, "HIGH"), (1.0, "HIGH")],
)
def test_bp_level_follows_flink_thresholds(frac: float, level: str) -> None:
    assert bp_level(frac) == level


@pytest.mark.parametrize(
    ("x", "rounded"),
    [
        (0.123456, 0.123),
        (0.95, 0.95),
        (1234.5, 1230.0),
        (0.00012345, 0.000123),
        (-2.71828, -2.72),
        (0.0, 0.0),
    ],
)
def test_round3_keeps_three_significant_digits(x: float, rounded: float) -> None:
    assert round3(x) == rounded


@pytest.mark.parametrize(
    ("phase", "activity", "flags", "reason", "expected"),
    [
        ("running", "backpressured", ["accumulating"], None, "BACKPRESSURED"),
        ("running", "starved", [], None, "STARVED"),
        ("running", "starved", ["accumulating"], None, "STARVED · ACCUMULATING"),
        ("running", "waiting_children", [], None, "WAITING_CHILDREN"),
        ("running", "busy", [], None, "BUSY"),
        ("running", "busy", ["draining"], None, "BUSY · DRAINING"),
        ("running", "busy", ["accumulating"], None, "BUSY · ACCUMULATING"),
        ("running", None, [], None, "RUNNING"),
        ("ready", None, [], None, "QUEUED"),
        ("ready", None, [], "threads", "QUEUED (threads)"),
        ("waiting", None, [], "start_rule", "WAITING (start_rule)"),
        ("waiting", None, [], None, "WAITING"),
        ("created", None, [], None, "CREATED"),
        # a terminal phase wins over a stale activity
        ("succeeded", "busy", ["draining"], None, "SUCCEEDED"),
        ("failed", "backpressured", [], None, "FAILED"),
        ("cancelled", None, [], "forced", "CANCELLED (forced)"),
        ("upstream_failed", None, [], None, "UPSTREAM_FAILED"),
        ("skipped", None, [], "constraint_unsatisfiable", "SKIPPED (constraint_unsatisfiable)"),
    ],
)
def test_label(
    phase: str, activity: str | None, flags: list[str], reason: str | None, expected: str
) -> None:
    assert label(phase, activity, flags, reason) == expected


def test_label_rank_orders_like_the_spec() -> None:
    states = [
        ("created", None),
        ("waiting", None),
        ("ready", None),
        ("running", "busy"),
        ("running", "waiting_children"),
        ("running", "starved"),
        ("running", "backpressured"),
        ("succeeded", None),
        ("skipped", None),
        ("upstream_failed", None),
        ("cancelled", None),
        ("failed", None),
    ]
    ranks = [label_rank(p, a) for p, a in states]
    assert ranks == sorted(ranks, reverse=True)
    assert min(states, key=lambda s: label_rank(*s)) == ("failed", None)
    assert len(LABEL_PRECEDENCE) == len(set(LABEL_PRECEDENCE))


def test_diff_returns_only_changed_fields_recursively() -> None:
    old = {"phase": "running", "frac": {"busy": 0.5, "starved": 0.5}, "io": {"items_in": 3}}
    new = {"phase": "running", "frac": {"busy": 0.9, "starved": 0.5}, "io": {"items_in": 3}}
    assert diff(old, new) == {"frac": {"busy": 0.9}}
    assert diff(new, new) == {}


def test_diff_rounds_floats_before_comparing_but_not_ints() -> None:
    old = {"ratio": 0.12341, "items": 1234567, "nested": {"bp_frac": 0.5}}
    new = {"ratio": 0.12349, "items": 1234568, "nested": {"bp_frac": 0.66666666}}
    assert diff(old, new) == {"items": 1234568, "nested": {"bp_frac": 0.667}}


def test_diff_reports_new_and_cleared_fields() -> None:
    old = {"waiting_on": {"edge": "S.a->J.left"}, "activity": "starved"}
    new = {"activity": "busy", "error": {"type": "E", "message": "m", "ratio": 0.33333}}
    assert diff(old, new) == {
        "waiting_on": None,
        "activity": "busy",
        "error": {"type": "E", "message": "m", "ratio": 0.333},
    }


def test_diff_replaces_lists_whole() -> None:
    assert diff({"flags": ["draining"]}, {"flags": ["accumulating", "draining"]}) == {
        "flags": ["accumulating", "draining"]
    }


def _merge(state: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """What a client does with a delta: deep-merge it."""
    out = copy.deepcopy(state)
    for key, value in delta.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def test_a_delta_built_by_diff_brings_a_client_up_to_date() -> None:
    before = BlockTelemetry(phase="running", activity="starved", label="STARVED").model_dump()
    after = BlockTelemetry(
        phase="running",
        activity="backpressured",
        label="BACKPRESSURED",
        frac=Frac(busy=0.1234, backpressured=0.8766),
        bp_level="HIGH",
    ).model_dump()
    changes = diff({"B": before}, {"B": after})
    delta = Delta(run_id="r", seq=2, t=0, blocks=changes)
    merged = _merge({"B": before}, delta.blocks)["B"]
    assert BlockTelemetry.model_validate(merged).frac.busy == 0.123
    assert merged["activity"] == "backpressured" and merged["bp_level"] == "HIGH"
    assert set(changes["B"]) == {"activity", "label", "frac", "bp_level"}
