"""Reordering a list (moving a config rule) moves each item with its own lines: the comment
lines above it, its end-of-line comments, its style and quoting; nothing else changes."""

from __future__ import annotations

import copy
import random

import pytest

from sluicegate.graph.yaml_safe import load_yaml_text
from sluicegate.workspace.round_trip import round_trip

TEXT = """\
# head
config:
  # first rule: the join
  - apply_to: J.right   # right side
    buffering_mode: full

  # second rule
  - {apply_to: "*.in", rows_per_buffer: 8}  # small
  - apply_to: 'A.b'
    sizer: deep
# tail
mode: stream
"""
RULES = {
    "J.right": "  # first rule: the join\n  - apply_to: J.right   # right side\n"
    "    buffering_mode: full\n\n",
    "*.in": '  # second rule\n  - {apply_to: "*.in", rows_per_buffer: 8}  # small\n',
    "A.b": "  - apply_to: 'A.b'\n    sizer: deep\n",
}


def moved(text: str, index: int, to: int) -> str:
    before = load_yaml_text(text, "pipeline.yaml")
    after = copy.deepcopy(before)
    after["config"].insert(to, after["config"].pop(index))
    out = round_trip(text, before, after)
    assert load_yaml_text(out, "pipeline.yaml") == after
    return out


@pytest.mark.parametrize(("index", "to"), [(2, 0), (0, 2), (1, 0), (0, 1)])
def test_a_moved_rule_takes_its_comments_and_style_along(index: int, to: int) -> None:
    order = ["J.right", "*.in", "A.b"]
    order.insert(to, order.pop(index))
    expected = "# head\nconfig:\n" + "".join(RULES[o] for o in order) + "# tail\nmode: stream\n"
    assert moved(TEXT, index, to) == expected


def test_any_sequence_of_moves_keeps_every_line() -> None:
    rng = random.Random(7)
    text = TEXT
    for _ in range(20):
        text = moved(text, rng.randrange(3), rng.randrange(3))
        assert sorted(text.splitlines()) == sorted(TEXT.splitlines())


def test_a_file_without_a_final_newline_keeps_it_so() -> None:
    text = "config:\n  - {apply_to: a.b, sizer: deep}\n  - apply_to: c.d  # last\n    sizer: auto"
    assert moved(text, 1, 0) == (
        "config:\n  - apply_to: c.d  # last\n    sizer: auto\n  - {apply_to: a.b, sizer: deep}"
    )


def test_a_flow_list_is_reordered_by_the_general_path() -> None:
    text = "# keep\nconfig: [{apply_to: a.b, sizer: deep}, {apply_to: c.d, sizer: auto}]\n"
    out = moved(text, 1, 0)
    assert out.startswith("# keep\n")
