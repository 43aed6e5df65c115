"""Rows and byte estimates of items (SPEC §4.1 and §4.4)."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from typing import Any

_SIZERS: dict[type, Callable[[Any], int]] = {}
_ROW_MODULES = ("pandas", "polars", "pyarrow", "numpy")


def register_sizer(kind: type, fn: Callable[[Any], int]) -> None:
    """Register a byte estimator for items of type `kind` (SPEC §4.4 method 2)."""
    _SIZERS[kind] = fn


def _pandas_size(item: Any) -> int:
    dtypes = getattr(item, "dtypes", None)
    kinds = list(dtypes) if dtypes is not None and hasattr(dtypes, "__iter__") else [item.dtype]
    usage = item.memory_usage(deep=any(str(d) == "object" for d in kinds))
    return int(usage.sum() if hasattr(usage, "sum") else usage)


_EXACT_BY_MODULE: dict[str, tuple[str, Callable[[Any], int]]] = {
    "numpy": ("nbytes", lambda x: int(x.nbytes)),
    "pyarrow": ("nbytes", lambda x: int(x.nbytes)),
    "pandas": ("memory_usage", _pandas_size),
    "polars": ("estimated_size", lambda x: int(x.estimated_size())),
}
_EXACT_CACHE: dict[type, Callable[[Any], int] | None] = {
    bytes: len,
    bytearray: len,
    memoryview: lambda x: int(x.nbytes),
    str: lambda x: len(x) + 49,
}


def exact_sizer(kind: type) -> Callable[[Any], int] | None:
    """SPEC §4.4 methods 1 and 2: an exact, cheap size function for `kind`, or None."""
    if kind in _SIZERS:
        return _SIZERS[kind]
    if kind not in _EXACT_CACHE:
        entry = _EXACT_BY_MODULE.get(kind.__module__.partition(".")[0])
        _EXACT_CACHE[kind] = entry[1] if entry and hasattr(kind, entry[0]) else None
    return _EXACT_CACHE[kind]


def rows_of(items: list[Any], item_rows: Callable[[Any], int] | None = None) -> int:
    """Rows in a batch: len() for lists, tuples, frames, tables, arrays; 1 otherwise."""
    if item_rows is not None:
        return sum(int(item_rows(x)) for x in items)
    kinds = set(map(type, items))
    if not any(_has_rows(k) for k in kinds):
        return len(items)
    return sum(len(x) if _has_rows(type(x)) else 1 for x in items)


def _has_rows(kind: type) -> bool:
    if kind is list or kind is tuple:
        return True
    return kind.__module__.partition(".")[0] in _ROW_MODULES and hasattr(kind, "__len__")


def deep_size(obj: Any, _seen: set[int] | None = None) -> int:
    """Recursive sys.getsizeof walk (SPEC §4.4 method 4, `sizer: deep`)."""
    seen = _seen if _seen is not None else set()
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(x, seen) for x in obj)
    return size


class Sizer:
    """Byte estimates for one output port: exact where cheap, else sampled pickled size.

    Sampling follows Ray Data's SizeEstimator: every item up to 10, every 10th up to 100,
    then every 100th; unmeasured items count as the running mean.
    """

    def __init__(self, mode: str = "auto") -> None:
        self.mode = mode
        self.seen = 0
        self.mean = 0.0
        self.measured = 0
        self.exact = True

    def measure(self, items: list[Any]) -> int:
        """Total estimated bytes of `items`; updates the running mean."""
        kinds = set(map(type, items))
        if self.mode == "auto" and len(kinds) == 1:
            exact = exact_sizer(kinds.pop())
            if exact is not None:
                self.seen += len(items)
                return sum(map(exact, items))
            return self._measure_sampled(items)
        total = 0.0
        estimated = 0
        for item in items:
            self.seen += 1
            exact = exact_sizer(type(item)) if self.mode == "auto" else None
            if exact is not None:
                total += exact(item)
                continue
            self.exact = False
            n = self.seen
            if self.measured == 0 or n <= 10 or (n <= 100 and n % 10 == 0) or n % 100 == 0:
                total += self._sample(item)
            else:
                estimated += 1
        return int(total + estimated * self.mean)

    def _measure_sampled(self, items: list[Any]) -> int:
        """Homogeneous items of unknown size: pickle only the items the schedule samples."""
        self.exact = False
        first = self.seen + 1
        self.seen += len(items)
        picks = [n for n in range(first, min(self.seen, 10) + 1)]
        picks += [n for n in range(max(first, 11), min(self.seen, 100) + 1) if n % 10 == 0]
        start = max(first, 101)
        picks += list(range(start + (-start % 100), self.seen + 1, 100))
        if not picks and self.measured == 0:
            picks = [first]
        total = sum(self._sample(items[n - first]) for n in picks)
        return int(total + (len(items) - len(picks)) * self.mean)

    def _sample(self, item: Any) -> float:
        if self.mode == "deep":
            size = float(deep_size(item))
        else:
            try:
                size = float(len(pickle.dumps(item, protocol=5)))
            except Exception:
                size = float(deep_size(item))
        self.measured += 1
        self.mean += (size - self.mean) / self.measured
        return size
