"""Previews are bounded, JSON-safe, and never import pandas or pyarrow themselves."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import numpy as np
import pytest

from sluicegate.store import preview, preview_page
from sluicegate.store.meta import schema_of


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(value, allow_nan=False))
    return out


def test_list_of_dicts_is_a_table() -> None:
    rows = [{"a": i, "b": f"s{i}"} for i in range(100)] + [{"a": 0, "c": 1.5}]
    got = _json_safe(preview(rows, max_rows=3))
    assert got == {
        "kind": "table",
        "columns": ["a", "b"],
        "rows": [[0, "s0"], [1, "s1"], [2, "s2"]],
        "total_rows": 101,
        "dtypes": ["int", "str"],
        "type": "list",
    }


def test_dict_of_lists_is_a_table() -> None:
    got = preview({"x": [1, 2, 3], "y": np.array([0.5, float("nan"), 2.0])})
    assert got["kind"] == "table" and got["columns"] == ["x", "y"]
    assert got["rows"] == [[1, 0.5], [2, "nan"], [3, 2.0]]
    assert got["total_rows"] == 3
    _json_safe(got)


def test_numpy_arrays() -> None:
    one = preview(np.arange(1000, dtype=np.int32), max_rows=4)
    assert one == {
        "kind": "array",
        "dtype": "int32",
        "shape": [1000],
        "head": [0, 1, 2, 3],
        "type": "numpy.ndarray",
    }
    two = preview(np.arange(12).reshape(6, 2), max_rows=2)
    assert two["kind"] == "table" and two["columns"] == ["0", "1"]
    assert two["rows"] == [[0, 1], [2, 3]] and two["total_rows"] == 6
    assert two["shape"] == [6, 2] and two["dtype"] == "int64"
    rec = preview(np.array([(1, 2.5)], dtype=[("id", "i8"), ("v", "f8")]))
    assert rec["columns"] == ["id", "v"] and rec["rows"] == [[1, 2.5]]
    three = preview(np.zeros((2, 2, 2)), max_rows=3)
    assert three["kind"] == "array" and three["shape"] == [2, 2, 2] and three["flat"] is True
    assert three["head"] == [0.0, 0.0, 0.0] and three["dtype"] == "float64"


def test_anything_else_is_a_bounded_repr() -> None:
    got = preview("x" * 10_000, max_chars=100)
    assert got == {"kind": "text", "text": "x" * 100, "length": 10_000, "type": "str"}
    assert preview(42) == {"kind": "repr", "text": "42", "type": "int"}
    assert preview({"a": 1})["text"] == "{'a': 1}"
    assert len(preview(list(range(10_000)))["text"]) < 200


def test_an_object_whose_repr_fails_still_has_a_preview() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise ValueError("no")

    assert preview(Broken())["kind"] == "repr"


def test_cells_are_json_safe() -> None:
    rows = [
        {
            "d": dt.date(2024, 1, 2),
            "n": np.int64(7),
            "inf": float("inf"),
            "obj": {"deep": [1, 2]},
            "long": "y" * 1000,
        }
    ]
    row = _json_safe(preview(rows))["rows"][0]
    assert row[:4] == ["2024-01-02", 7, "inf", "{'deep': [1, 2]}"]
    assert len(row[4]) <= 200


class _ILoc:
    def __init__(self, frame: FakeFrame) -> None:
        self.frame = frame

    def __getitem__(self, key: tuple[slice, slice]) -> FakeFrame:
        rows, cols = key
        return FakeFrame({k: v[rows] for k, v in list(self.frame.data.items())[cols]})


class FakeFrame:
    """Quacks like a pandas DataFrame, so the test runs where pandas is not installed."""

    def __init__(self, data: dict[str, list[Any]]) -> None:
        self.data = data
        self.columns = list(data)
        self.dtypes = ["int64" for _ in data]
        self.iloc = _ILoc(self)

    def __len__(self) -> int:
        return len(next(iter(self.data.values())))

    def itertuples(self, index: bool = True, name: str | None = "Pandas") -> Any:
        return zip(*self.data.values(), strict=True)


FakeFrame.__module__ = "pandas.core.frame"
FakeFrame.__qualname__ = FakeFrame.__name__ = "DataFrame"


class FakeTable:
    """Quacks like a pyarrow Table."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.num_rows = len(rows)
        self.schema = type("Schema", (), {"names": list(rows[0]), "types": ["int64"] * 2})()

    def slice(self, offset: int, length: int) -> FakeTable:
        return FakeTable(self.rows[offset : offset + length])

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.rows


FakeTable.__module__ = "pyarrow.lib"
FakeTable.__qualname__ = FakeTable.__name__ = "Table"


def test_data_frames_are_tables_without_importing_pandas_or_pyarrow() -> None:
    had = {m for m in ("pandas", "pyarrow") if m in sys.modules}
    frame = preview(FakeFrame({"a": [1, 2, 3], "b": [4, 5, 6]}), max_rows=2)
    assert frame == {
        "kind": "table",
        "columns": ["a", "b"],
        "rows": [[1, 4], [2, 5]],
        "total_rows": 3,
        "dtypes": ["int64", "int64"],
        "type": "pandas.core.frame.DataFrame",
    }
    table = preview(FakeTable([{"a": 1, "b": 2}, {"a": 3, "b": 4}]), max_rows=1)
    assert table["kind"] == "table" and table["columns"] == ["a", "b"]
    assert table["rows"] == [[1, 2]] and table["total_rows"] == 2
    assert (schema_of(FakeFrame({"a": [1]})) or {})["fields"] == [{"name": "a", "type": "int64"}]
    assert {m for m in ("pandas", "pyarrow") if m in sys.modules} == had


def test_real_pandas_and_pyarrow_when_installed() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    got = _json_safe(preview(df))
    assert got["columns"] == ["a", "b"] and got["rows"] == [[1, "x"], [2, None]]
    pa = pytest.importorskip("pyarrow")
    got = _json_safe(preview(pa.table({"a": [1, 2]})))
    assert got["rows"] == [[1], [2]] and got["dtypes"] == ["int64"]


def test_preview_page() -> None:
    same = preview_page([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    assert same == {
        "kind": "table",
        "columns": ["a", "b"],
        "rows": [[1, 2], [3, 4]],
        "total_rows": 2,
    }
    mixed = preview_page([{"a": 1}, {"b": 2}, "text"])
    assert mixed["kind"] == "list"
    assert [p["kind"] for p in mixed["items"]] == ["repr", "repr", "text"]
    assert preview_page([])["items"] == []


def test_schema_of_items() -> None:
    assert schema_of({"a": 1, "b": "x"}) == {
        "kind": "dict",
        "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "str"}],
    }
    assert (schema_of([{"a": 1.0}]) or {})["kind"] == "rows"
    assert schema_of(np.zeros((2, 3))) == {"kind": "array", "dtype": "float64", "shape": [2, 3]}
    assert schema_of(42) is None
