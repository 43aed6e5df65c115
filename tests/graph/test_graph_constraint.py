"""Start constraints: parsing and three-valued evaluation (SPEC §4.8.3)."""

from __future__ import annotations

import re

import pytest

from sluicegate.graph.constraint import parse_constraint


def test_blocks_named() -> None:
    c = parse_constraint("A.succeeded and not (B.failed or C.cancelled)")
    assert c.blocks == {"A", "B", "C"}


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        ({}, None),
        ({"A": "running"}, None),
        ({"A": "succeeded"}, None),  # B and C unknown: B could still fail
        ({"A": "succeeded", "B": "succeeded", "C": "skipped"}, True),
        ({"A": "failed"}, False),  # A will never succeed: the block is skipped
        ({"A": "succeeded", "B": "failed"}, False),
        ({"A": "succeeded", "B": "running", "C": "cancelled"}, False),
        ({"A": "succeeded", "B": "succeeded", "C": "waiting"}, None),
    ],
)
def test_kleene_evaluation(phases: dict[str, str], expected: bool | None) -> None:
    c = parse_constraint("A.succeeded and not (B.failed or C.cancelled)")
    assert c.evaluate(phases) is expected


def test_or_is_true_as_soon_as_one_side_is() -> None:
    c = parse_constraint("A.failed or B.done")
    assert c.evaluate({"B": "succeeded"}) is True
    assert c.evaluate({"A": "succeeded"}) is None
    assert c.evaluate({"A": "succeeded", "B": "upstream_failed"}) is False


def test_done_and_finished() -> None:
    assert parse_constraint("A.done").evaluate({"A": "succeeded"}) is True
    assert parse_constraint("A.done").evaluate({"A": "skipped"}) is False
    for phase in ("succeeded", "failed", "cancelled", "skipped", "upstream_failed"):
        assert parse_constraint("A.finished").evaluate({"A": phase}) is True
    assert parse_constraint("not A.finished").evaluate({"A": "running"}) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A.succeeded and", "cannot parse start_constraint"),
        ("", "cannot parse start_constraint"),
        ("A.succeded", "unknown phase 'succeded' in A.succeded; did you mean 'succeeded'?"),
        ("A", "contains 'A'; only `block.phase` terms"),
        ("A.succeeded == True", "only `block.phase` terms, `and`, `or`, `not`"),
        ("f(A).succeeded", "contains 'f(A).succeeded'"),
        ("A.b.succeeded", "contains 'A.b.succeeded'"),
    ],
)
def test_parse_errors_say_how_to_fix(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_constraint(text)
