"""The stale rule (store/stale.py) on hand-made run histories: which blocks are stale and why."""

from __future__ import annotations

from typing import Any

from sluicegate.store.history.lineage import RunFacts
from sluicegate.store.stale import newest_outputs, stale_marks

LINE = ["load", "double", "total"]
UP = {"double": ["load"], "total": ["double"]}
V1 = {"load": "l1", "double": "d1", "total": "t1"}


def run(run_id: str, t: float, ok: set[str], failed: frozenset[str] = frozenset()) -> RunFacts:
    return RunFacts(run_id, t, "cell", dict(V1), frozenset(ok), failed)


def kinds(marks: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {b: [(r["kind"], r["block"]) for r in m["reasons"]] for b, m in marks.items()}


def test_never_run_blocks_are_not_stale() -> None:
    marks = stale_marks(LINE, UP, V1, [])
    assert all(not m["stale"] and m["last_run"] is None for m in marks.values())


def test_a_pipeline_run_with_the_current_code_leaves_nothing_stale() -> None:
    marks = stale_marks(LINE, UP, V1, [run("r1", 1, set(LINE))])
    assert kinds(marks) == {"load": [], "double": [], "total": []}
    assert {m["last_run"] for m in marks.values()} == {"r1"}


def test_own_code_change_then_upstream_stale_downstream() -> None:
    marks = stale_marks(LINE, UP, {**V1, "load": "l2"}, [run("r1", 1, set(LINE))])
    assert kinds(marks) == {
        "load": [("code", "load")],
        "double": [("upstream", "load")],
        "total": [("upstream", "double")],
    }
    assert marks["total"]["reasons"][0]["message"] == (
        "upstream double is stale (upstream load is stale (load's code changed since its last run))"
    )


def test_an_upstream_that_ran_again_makes_only_its_direct_downstream_out_of_date() -> None:
    runs = [run("c2", 2, {"double"}), run("r1", 1, set(LINE))]  # newest first
    marks = stale_marks(LINE, UP, V1, runs)
    assert kinds(marks) == {"load": [], "double": [], "total": [("output", "double")]}


def test_a_failed_or_reused_run_is_no_newer_output() -> None:
    runs = [run("c3", 3, set(), failed=frozenset({"double"})), run("r1", 1, set(LINE))]
    marks = stale_marks(LINE, UP, V1, runs)
    assert kinds(marks)["total"] == []
    assert marks["double"]["last_run"] == "c3"  # its last run failed: that is its last run
    assert newest_outputs(runs)["double"].run_id == "r1"


def test_a_cycle_gives_no_verdict_through_it_and_ends() -> None:
    up = {"a": ["b"], "b": ["a"]}
    marks = stale_marks(["a", "b"], up, {"a": "x", "b": "y"}, [run("r1", 1, {"a", "b"})])
    assert set(marks) == {"a", "b"}
