"""Reordering a top-level list of a YAML file by moving its items' lines, comments and all.

    moved = move_items(text, doc, before, after)   # None when this is not a pure reorder

When the only difference between `before` and `after` (what the safe loader reads from
`text`, and what it should read afterwards) is the order of the items of one top-level
block list (`config:`, `edges:`, `blocks:`), each item is moved as the lines it was written
on: the comment lines right above it, its own lines with their end-of-line comments, and
the blank lines after it. Nothing else changes: a rule moved first keeps its comment, its
style and its quoting. `doc` is the same text loaded by ruamel (for the items' lines).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


def move_items(
    text: str,
    doc: Any,
    before: Any,
    after: Mapping[str, Any],
    same: Callable[[Any, Any], bool],
    key_of: Callable[[Any], Any],
) -> str | None:
    """`text` with one top-level list reordered as in `after`, or None (not a pure reorder,
    or a list written in flow style)."""
    if not isinstance(doc, CommentedMap) or not isinstance(before, dict):
        return None
    if list(before) != list(after) or list(doc) != list(before):
        return None
    changed = [k for k in before if not same(before[k], after[k])]
    if len(changed) != 1:
        return None
    key = changed[0]
    old, new, node = before[key], after[key], doc[key]
    if not (isinstance(old, list) and isinstance(new, list) and isinstance(node, CommentedSeq)):
        return None
    if node.fa.flow_style() or len(old) != len(new) or len(node) != len(old) or not old:
        return None
    order = _permutation([key_of(x) for x in old], [key_of(x) for x in new])
    if order is None:
        return None
    lines = text.splitlines(keepends=True)
    spans = _spans(lines, [node.lc.item(i)[0] for i in range(len(node))])
    if spans is None:
        return None
    first, end = spans[0][0], spans[-1][1]
    pieces = ["".join(lines[a:b]) for a, b in spans]
    pieces = [p if p.endswith("\n") else p + "\n" for p in pieces]
    body = "".join(pieces[i] for i in order)
    if end == len(lines) and not text.endswith("\n"):
        body = body[:-1]
    return "".join(lines[:first]) + body + "".join(lines[end:])


def _permutation(old: list[Any], new: list[Any]) -> list[int] | None:
    """For each position of `new`, the index of the same item in `old` (each used once)."""
    free = list(range(len(old)))
    order = []
    for item in new:
        match = next((i for i in free if old[i] == item), None)
        if match is None:
            return None
        free.remove(match)
        order.append(match)
    return order


def _spans(lines: list[str], starts: list[int]) -> list[tuple[int, int]] | None:
    """[begin, end) line ranges of the items that start (`- `) on lines `starts`."""
    if any(s >= len(lines) or not lines[s].lstrip().startswith("-") for s in starts):
        return None
    dash = _indent(lines[starts[0]])
    begins = [_leading(lines, s, dash) for s in starts]
    ends = [*begins[1:], _last_end(lines, starts[-1], dash)]
    spans = list(zip(begins, ends, strict=True))
    if any(b <= s < e for (b, e), s in zip(spans, starts, strict=True)) and all(
        a < b for a, b in spans
    ):
        return spans
    return None


def _leading(lines: list[str], start: int, dash: int) -> int:
    """The first of the comment lines right above line `start` (at the item's indent or
    deeper), or `start`."""
    begin = start
    while begin > 0 and _is_comment(lines[begin - 1]) and _indent(lines[begin - 1]) >= dash:
        begin -= 1
    return begin


def _last_end(lines: list[str], start: int, dash: int) -> int:
    """One past the last line of the item starting on `start`: its deeper lines, and the
    blank or comment lines between them (not those after its last line of content)."""
    end = start + 1
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or _is_comment(line):
            continue
        if _indent(line) <= dash:
            break
        end = i + 1
    return end


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
