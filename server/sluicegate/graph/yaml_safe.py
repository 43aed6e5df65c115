"""The one way Sluicegate reads YAML: safe tags only, and bounded in size, depth and expansion.

    data = read_yaml_file(path, "pipelines/p/pipeline.yaml")   # any YAML value
    data = load_yaml_text(text, "--var x")

A YAML alias (`*name`) repeats the value its anchor (`&name`) points at; nested aliases
repeat whole trees ("billion laughs": a 1 KB file that expands to 10^9 values). The loader
counts every value as if each alias were written out, and refuses a document that expands
past `MAX_VALUES` values, nests deeper than `MAX_DEPTH` or is larger than `MAX_BYTES`, before
any of it is built. Every problem is a `PlanError` naming the file (`where`), with the line
when it is known; a key given twice in one mapping is one too.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from sluicegate.errors import PlanError

MAX_BYTES = 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 64
_SYNTAX_FIX = "; fix the indentation, add a missing ':' or quote the value"
_MERGE = "tag:yaml.org,2002:merge"
_ALIAS_FIX = "write the values out or use fewer aliases (`*name`)"


class YamlLimitError(ComposerError):
    """The document is too large, too deep or expands to too many values."""


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _Parser(CParser, Composer):  # libyaml's events, 10 times faster; our composer
        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class BoundedLoader(_Parser, SafeConstructor, Resolver):
    """A safe loader that counts values (an alias counts as the whole tree it repeats), bounds
    nesting, and rejects a key given twice in one mapping instead of keeping the last."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._values = 0
        self._size: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height) once done

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self._mark()
            node = super().compose_node(parent, index)
            size = self._size.get(id(node))
            if size is None:
                raise YamlLimitError(
                    None, None, "an alias refers to a value that contains it; " + _ALIAS_FIX, mark
                )
            self._grow(size[0], self._depth + size[1], mark)
            return node
        mark = self._mark()
        self._grow(1, self._depth + 1, mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None:
            self._size[id(node)] = _measure(node, self._size)
        return node

    def _mark(self) -> Any:
        """Where the next value starts (a PyYAML or a libyaml mark)."""
        return getattr(self.peek_event(), "start_mark", None)

    def _grow(self, values: int, depth: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise YamlLimitError(
                None,
                None,
                f"the document expands to more than {MAX_VALUES:,} values; {_ALIAS_FIX}",
                mark,
            )
        if depth > MAX_DEPTH:
            raise YamlLimitError(
                None,
                None,
                f"values are nested more than {MAX_DEPTH} levels deep; flatten the document",
                mark,
            )

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue  # `<<: *defaults`: the keys written here override the merged ones
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # SafeConstructor says "found unhashable key"
            if key in seen:
                raise ConstructorError(
                    None, None, f"key {key!r} is given twice; keep one", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _measure(node: yaml.Node, done: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(values, height) of a composed node, from its children's, which are all measured."""
    if isinstance(node, yaml.ScalarNode):
        return 1, 1
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    else:
        children = list(node.value)
    sizes = [done.get(id(child), (1, 1)) for child in children]
    return 1 + sum(s[0] for s in sizes), 1 + max((s[1] for s in sizes), default=0)


def load_yaml_text(text: str, where: str) -> Any:
    """The value of one YAML document (None when empty); PlanError naming `where` otherwise."""
    if len(text) > MAX_BYTES:
        raise _too_large(len(text.encode("utf-8", "surrogatepass")), where)
    loader: BoundedLoader | None = None
    try:
        loader = BoundedLoader(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        fix = (
            ""
            if isinstance(exc, yaml.constructor.ConstructorError | ComposerError)
            else _SYNTAX_FIX
        )
        raise PlanError(
            f"invalid YAML{at}: {exc.problem or exc.context}{fix}", where=where
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise PlanError(
            f"invalid YAML at line {line}: character {exc.character:#06x} is not allowed; "
            'remove it (or write it as an escape such as "\\x01" in a quoted string)',
            where=where,
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(f"invalid YAML: {exc}", where=where) from None
    except (ValueError, OverflowError) as exc:  # e.g. an int of 5,000 digits, a 13th month
        raise PlanError(f"invalid YAML value: {exc}; fix or quote the value", where=where) from None
    except (RecursionError, MemoryError):
        raise PlanError(
            "the YAML document is too complex to read; simplify it", where=where
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_file(path: Path, where: str) -> Any:
    """The value of the YAML file at `path`: UTF-8, at most `MAX_BYTES` (see `load_yaml_text`)."""
    return load_yaml_text(read_yaml_text(path, where), where)


def read_yaml_text(path: Path, where: str) -> str:
    """The text of the YAML file at `path`, once it is UTF-8 and at most `MAX_BYTES`."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PlanError(f"cannot read the file: {exc.strerror}", where=where) from None
    except ValueError as exc:  # a NUL byte in the path
        raise PlanError(f"cannot read the file: {exc}", where=where) from None
    if len(raw) > MAX_BYTES:
        raise _too_large(path.stat().st_size, where)
    return decode_utf8(raw, where)


def decode_utf8(raw: bytes, where: str) -> str:
    """`raw` as text; a PlanError naming the first byte that is not UTF-8 otherwise."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PlanError(
            f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}; "
            "save it with the UTF-8 encoding",
            where=where,
        ) from None


def _too_large(size: int, where: str) -> PlanError:
    return PlanError(
        f"the file is {size:,} bytes, more than the {MAX_BYTES:,} bytes a YAML file may have; "
        "make it smaller",
        where=where,
    )
