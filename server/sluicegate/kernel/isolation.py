"""Values are isolated (SPEC §4.11.1): who gets a copy of an emitted item, and how.

The policy, in one place:
- Immutable values (numbers, strings, bytes, None, dates, and tuples and frozensets of
  them) are never copied.
- A *returned* value belongs to the kernel once the function returned. A *yielded* value may
  still be changed by the generator after it resumes, so it is snapshot at the yield
  (`owner`), before the generator runs on.
- The output store copies what it keeps when it is handed the batch (`BatchCopy`), so a
  stored output is what the block emitted, whatever its consumers do later.
- The first live consumer edge gets the emitted objects themselves; every other edge, every
  child run made from a dynamic item and every retained copy gets its own copy. A batch is
  pickled once and that one pickle serves every copy of it.
- `share_outputs: true` on a block turns all of this off for its outputs (its consumers
  promise not to change what they receive, and the block not to change what it emitted).

Copies are deep: a pickle round trip (protocol 5), `copy.deepcopy` for what cannot be
pickled, and a `RunError` naming the block run and port when neither works.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import fractions
import pickle
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from sluicegate.errors import RunError

IMMUTABLE: frozenset[type] = frozenset(
    {
        int,
        float,
        complex,
        bool,
        str,
        bytes,
        type(None),
        type(Ellipsis),
        range,
        decimal.Decimal,
        fractions.Fraction,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        uuid.UUID,
    }
)
_PROTOCOL = 5
Copier = Callable[[list[Any]], list[Any]]
Owner = Callable[[Any], Any]


def immutable(value: Any) -> bool:
    """True for values no one can change in place (shared without a copy)."""
    kind = type(value)
    if kind in IMMUTABLE or isinstance(value, PurePath):
        return True
    if kind is tuple or kind is frozenset:
        return all(map(immutable, value))
    return False


def all_immutable(items: list[Any]) -> bool:
    if IMMUTABLE.issuperset(map(type, items)):  # one C loop for the common case
        return True
    return all(map(immutable, items))


def copy_items(items: list[Any], where: str) -> list[Any]:
    """A private copy of a list of items (immutable items are shared)."""
    return list(items) if all_immutable(items) else deep_copy(items, where)


def deep_copy(items: list[Any], where: str) -> list[Any]:
    """A deep copy of `items`, made by one pickle round trip when the batch pickles."""
    try:
        return pickle.loads(pickle.dumps(items, _PROTOCOL))
    except Exception:
        return [_copy_one(item, where) for item in items]


def _copy_one(item: Any, where: str) -> Any:
    try:
        return pickle.loads(pickle.dumps(item, _PROTOCOL))
    except Exception as pickle_error:
        try:
            return copy.deepcopy(item)
        except Exception:
            raise RunError(
                f"{where} emitted a {type(item).__qualname__} that can be neither pickled "
                f"({pickle_error}) nor deep-copied, so its consumers cannot each get their own "
                "copy; emit a plain value (a dict, a list, a data frame), or set "
                "`share_outputs: true` on the block if its consumers never change what they get"
            ) from pickle_error


def copy_value(item: Any, where: str) -> Any:
    """A deep copy of one value (the value itself when it is immutable)."""
    kind = type(item)
    if kind in IMMUTABLE:
        return item
    if kind is dict:
        if IMMUTABLE.issuperset(map(type, item.values())) and IMMUTABLE.issuperset(map(type, item)):
            return item.copy()  # a flat dict: its shallow copy is a deep one
    elif kind is list:
        if IMMUTABLE.issuperset(map(type, item)):
            return item.copy()
    elif immutable(item):
        return item
    return _copy_one(item, where)


def owner(where: str) -> Owner:
    """The snapshot of a yielded item, taken before the generator resumes (a plain function:
    it runs once per yielded item, so immutable items cost one type check)."""

    def own(item: Any, _immutable: frozenset[type] = IMMUTABLE) -> Any:
        kind = type(item)
        if kind in _immutable:
            return item
        if (
            kind is dict
            and _immutable.issuperset(map(type, item.values()))
            and _immutable.issuperset(map(type, item))
        ):
            return item.copy()  # the common row: a flat dict (copy_value's fast path, inlined)
        return copy_value(item, where)

    return own


def where_of(block: str, uuid: str, ports: list[str]) -> str:
    """How copy errors name a block run and its output port."""
    port = ports[0] if ports else "output"
    run = f" (run `{uuid}`)" if uuid != block else ""
    return f"Output port `{port}` of block `{block}`{run}"


class BatchCopy:
    """Copies of one emitted batch for its store and its consumers: pickled at most once.

    Called with the batch itself it returns a fresh copy of all of it (one `loads` of the
    shared pickle); called with another list (the store keeps one item of a sampled batch)
    it copies that list.
    """

    __slots__ = ("_blob", "_needed", "items", "where")

    def __init__(self, items: list[Any], where: str) -> None:
        self.items = items
        self.where = where
        self._needed: bool | None = None  # checked on the first copy only
        self._blob: bytes | None = None

    @property
    def needed(self) -> bool:
        """False when every item of the batch is immutable (then copies share them)."""
        if self._needed is None:
            self._needed = not all_immutable(self.items)
        return self._needed

    def __call__(self, items: list[Any]) -> list[Any]:
        if items is not self.items:
            return copy_items(items, self.where)
        if not self.needed:
            return list(items)
        if self._blob is None:
            try:
                self._blob = pickle.dumps(items, _PROTOCOL)
            except Exception:
                return deep_copy(items, self.where)  # item by item, with deepcopy fallback
        return pickle.loads(self._blob)
