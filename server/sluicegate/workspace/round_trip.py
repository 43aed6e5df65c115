"""Saving an edited pipeline.yaml so that only what the edit changed is written differently.

    before = load_yaml_text(text, where)        # the safe, bounded loader checks the text
    after = copy.deepcopy(before); after["mode"] = "batch"
    text = round_trip(text, before, after)      # comments, key order, quoting all kept

An edit is made on the plain mapping the safe loader (`graph.yaml_safe`) read; `round_trip`
then loads the same text (already checked for size, depth and alias expansion) with
ruamel.yaml's round-trip loader and changes only the nodes where `before` and `after`
differ: a changed value keeps its key's place, comment and quoting style, a new key goes
after the key it follows in `after`, a new list item takes its siblings' flow or block style,
and a removed key or item takes its own comments (its end-of-line comment and the comment
lines right above it) with it while the comments of what follows stay. Reordering a list
(moving a config rule) moves each item's lines with its comments (`round_trip_moves`).
Unchanged parts are never touched, so values written in a form the two loaders read
differently (`yes`, `0o17`) stay as written. When the result would not read back as
`after` (anchors shared by two places, a merge key), the mapping is written out plainly
instead, so the file is never wrong.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from sluicegate.errors import PlanError
from sluicegate.graph.yaml_safe import load_yaml_text
from sluicegate.workspace.round_trip_moves import move_items

_ITEM = re.compile(r"^( *)(- +)\S")
_KEY = re.compile(r"^( *)(?:- +)?([^\s#'\"-][^:#]*|'[^']*'|\"[^\"]*\"):\s*(?:#.*)?$")
_QUOTED = (DoubleQuotedScalarString, SingleQuotedScalarString)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def round_trip(text: str, before: Any, after: Mapping[str, Any]) -> str:
    """`text` (whose safe load is `before`) changed to read as `after`, changing nothing else."""
    if same(before, after):
        return text
    rt = _yaml(text)
    try:
        doc = rt.load(text)
    except YAMLError:
        doc = None  # text the safe loader reads but ruamel does not: written out plainly
    moved = move_items(text, doc, before, after, same, _hashable)
    if moved is not None and _reads_as(moved, after):
        return moved  # a reorder: each item moved with its own lines and comments
    if isinstance(doc, CommentedMap) and isinstance(before, dict):
        _update_map(doc, before, dict(after))
    else:
        doc = _fresh(dict(after), flow=False)
    out = _dump(rt, doc)
    return out if _reads_as(out, after) else dump_new(after)


def _reads_as(text: str, data: Mapping[str, Any]) -> bool:
    """Whether the safe loader reads `text` as `data` (False when it refuses the text)."""
    try:
        return same(load_yaml_text(text, "pipeline.yaml"), data)
    except PlanError:
        return False


def dump_new(data: Mapping[str, Any], where: str = "pipeline.yaml") -> str:
    """A new YAML file for `data` (`where`: the file, for errors), in the style of the
    example pipelines."""
    out = _dump(_yaml(""), _fresh(dict(data), flow=False))
    try:
        read = load_yaml_text(out, where)
    except PlanError:
        read = None
    if not same(read, dict(data)):
        raise PlanError(
            f"{where}: a value cannot be written as YAML that reads back the same (control "
            "characters such as NEL or U+2028 in a key or string?); remove them and try again",
            where=where,
        )
    return out


def same(a: Any, b: Any) -> bool:
    """Equal as YAML values: `True` is not `1`, `1` is not `1.0`, mappings ignore key order."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return _kind(a) == _kind(b) and a == b


def _kind(value: Any) -> str:
    for kind in (bool, int, float, str, dict, list):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def _yaml(text: str) -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a long line
    mapping, sequence, offset = _indents(text)
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    rt.explicit_start = text.lstrip().startswith("---")
    return rt


def _dump(rt: YAML, doc: Any) -> str:
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indents of `text`'s block collections, as ruamel takes
    them; the example pipelines' style (`key:` then `  - item`) when `text` shows none."""
    mapping = sequence = offset = None
    parent: int | None = None  # column of the last `key:` that opens a block
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = _ITEM.match(line)
        if parent is not None and item and offset is None:
            offset = len(item.group(1)) - parent
            sequence = offset + len(item.group(2))
        elif parent is not None and not item and mapping is None and indent > parent:
            mapping = indent - parent
        key = _KEY.match(line)
        parent = None if key is None else len(key.group(1)) + (len(item.group(2)) if item else 0)
    if offset is None or sequence is None or offset < 0:
        offset, sequence = 2, 4
    return mapping or 2, max(sequence, offset + 2), offset


def _update_map(node: CommentedMap, before: dict[str, Any], after: dict[str, Any]) -> None:
    if list(node) != list(before):  # keys the two loaders read differently: replace all
        _replace_all(node, after)
        return
    for key in [k for k in before if k not in after]:
        _remove(node, list(node).index(key))
    for i, (key, value) in enumerate(after.items()):
        if key not in before:
            previous = [k for k in list(after)[:i] if k in node]
            at = list(node).index(previous[-1]) + 1 if previous else 0
            _insert(node, at, key, _fresh(value, flow=_is_flow(node)))
        elif not same(before[key], value):
            node[key] = _update(node[key], before[key], value)


def _update_seq(node: CommentedSeq, before: list[Any], after: list[Any]) -> None:
    flow = any(_is_flow(item) for item in node)
    matcher = difflib.SequenceMatcher(
        a=[_hashable(x) for x in before], b=[_hashable(x) for x in after], autojunk=False
    )
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            node[i1 + k] = _update(node[i1 + k], before[i1 + k], after[j1 + k])
        for k in reversed(range(i1 + paired, i2)):
            _remove(node, k)
        for k in range(j1 + paired, j2):
            at = i1 + k - j1
            _insert(node, at, at, _fresh(after[k], flow=flow))


def _update(node: Any, before: Any, after: Any) -> Any:
    """`node` (read as `before`) changed in place to read as `after`, or what replaces it."""
    if isinstance(node, CommentedMap) and isinstance(before, dict) and isinstance(after, dict):
        _update_map(node, before, after)
        return node
    if isinstance(node, CommentedSeq) and isinstance(before, list) and isinstance(after, list):
        _update_seq(node, before, after)
        return node
    if isinstance(node, _QUOTED) and isinstance(after, str):
        return type(node)(after)  # keep the quoting style (quoted: read as a string)
    return _fresh(after, flow=_is_flow(node))


def _replace_all(node: CommentedMap, after: dict[str, Any]) -> None:
    for key in list(node):
        if key not in after:
            del node[key]
    for key, value in after.items():
        node[key] = _fresh(value, flow=False)


def _fresh(value: Any, *, flow: bool) -> Any:
    fresh: CommentedMap | CommentedSeq
    if isinstance(value, dict):
        fresh = CommentedMap((_scalar(k), _fresh(v, flow=flow)) for k, v in value.items())
    elif isinstance(value, list):
        fresh = CommentedSeq(_fresh(v, flow=flow) for v in value)
    else:
        return _scalar(value)
    if flow:
        fresh.fa.set_flow_style()
    return fresh


def _scalar(value: Any) -> Any:
    """`value`, quoted when it is a string PyYAML would read as something else (`yes`, `on`,
    `0o17`, `2024-01-01`): ruamel writes YAML 1.2, the safe loader reads YAML 1.1."""
    if isinstance(value, str) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR:
        return SingleQuotedScalarString(value)
    return value


def _is_flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _hashable(value: Any) -> Any:
    """A key for `difflib` that is equal exactly when `same` is."""
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), _hashable(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("seq", tuple(_hashable(v) for v in value))
    return (_kind(value), repr(value))


# Comments. ruamel keeps the comment lines that follow an entry on that entry's last leaf
# (`ca.items[key][2]` in a mapping, `[0]` in a sequence): its own end-of-line comment first,
# then the full lines below it, which belong to whatever comes next.


def _remove(node: CommentedMap | CommentedSeq, index: int) -> None:
    """Delete entry `index` of `node`: its own comments go, those of what follows stay."""
    keys = list(node) if isinstance(node, CommentedMap) else list(range(len(node)))
    own = _tail(node, keys[index])
    rest = _lines(own)[1:] if own is not None else []
    if own is not None:
        own.value = ""
    if index > 0:
        prev = _tail(node, keys[index - 1])
        lines = _lines(prev) if prev is not None else ["\n"]
        while len(lines) > 1 and lines[-1].strip().startswith("#"):
            lines.pop()  # comment lines right above the removed entry were its own
        if prev is not None or rest:
            _set_tail(node, keys[index - 1], "".join(lines + rest))
    elif rest and len(keys) > 1:
        _set_before(node, keys[1], "".join(rest))
    del node[keys[index]]  # ruamel moves a sequence's later comments up by one


def _insert(node: CommentedMap | CommentedSeq, at: int, key: Any, value: Any) -> None:
    """Insert entry `key` (for a sequence: `at`) at index `at`, before the comment lines that
    followed the entry it comes after (they belong to what comes next)."""
    keys = list(node) if isinstance(node, CommentedMap) else list(range(len(node)))
    rest: list[str] = []
    if at > 0:
        lines = _lines(_tail(node, keys[at - 1]))
        rest = lines[1:]
        if rest:
            _set_tail(node, keys[at - 1], lines[0])
    if at == len(keys) and at > 0:
        rest += _take_end(node[keys[at - 1]])
    if isinstance(node, CommentedMap):
        node.insert(at, key, value)
    else:
        node.insert(at, value)
    if rest:
        _set_tail(node, key, "\n" + "".join(rest))


def _take_end(value: Any) -> list[str]:
    """The comment lines after the last entry of `value` (ruamel's `ca.end`), taken away."""
    lines: list[str] = []
    while isinstance(value, CommentedMap | CommentedSeq) and len(value) and not _is_flow(value):
        for token in value.ca.end or []:
            if isinstance(token, CommentToken):
                lines += [" " * token.column + line for line in _lines(token)]
        value.ca.end = []
        value = value[list(value)[-1] if isinstance(value, CommentedMap) else -1]
    return lines


def _tail(node: Any, key: Any) -> CommentToken | None:
    """The comment token after entry `key` of `node` (on its last leaf), if there is one."""
    found = _tail_slot(node, key).get()
    return found if isinstance(found, CommentToken) else None


def _tail_slot(node: Any, key: Any) -> _Slot:
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not _is_flow(value):
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail_slot(value, last)
    return _Slot(node, key)


class _Slot:
    """Where the comment after entry `key` of `node` is kept."""

    def __init__(self, node: Any, key: Any) -> None:
        self.items = node.ca.items
        self.key = key
        self.index = 2 if isinstance(node, CommentedMap) else 0

    def get(self) -> Any:
        entry = self.items.get(self.key)
        return entry[self.index] if entry else None

    def set(self, token: CommentToken) -> None:
        entry = self.items.setdefault(self.key, [None, None, None, None])
        entry[self.index] = token


def _set_tail(node: Any, key: Any, text: str) -> None:
    slot = _tail_slot(node, key)
    token = slot.get()
    if isinstance(token, CommentToken):
        token.value = text
    elif text.strip():
        slot.set(CommentToken(text, CommentMark(0), None))


def _set_before(node: Any, key: Any, text: str) -> None:
    """Comment lines `text` shown before entry `key` of `node`."""
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    tokens = entry[1] if isinstance(entry[1], list) else []
    entry[1] = [CommentToken(text, CommentMark(0), None), *tokens]


def _lines(token: CommentToken | None) -> list[str]:
    return token.value.splitlines(keepends=True) if token is not None else []
