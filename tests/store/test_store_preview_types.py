"""Output previews as tables where users expect tables (issue 11, point 7): lists of dicts,
pandas and polars data frames and Arrow tables with column names and types, numpy arrays with
shape and dtype, long strings and bytes cut with their whole length (for "show more"). The
same page comes from the items (a cell's result) and from their stored views (the inspector)."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sluicegate.store import preview, preview_page
from sluicegate.store.preview import TEXT_CHARS
from sluicegate.store.views import chunk_view, page_from_views, view_slice


def from_views(items: list[Any]) -> dict[str, Any]:
    chunk = json.loads(json.dumps(chunk_view(items), allow_nan=False))
    return page_from_views(view_slice(chunk, 0, len(items)))


def test_a_list_of_dicts_is_a_table_with_column_types() -> None:
    rows = [{"id": 1, "name": "a", "score": 0.5}, {"id": 2, "name": None, "score": 3}]
    got = preview(rows)
    assert got["kind"] == "table" and got["columns"] == ["id", "name", "score"]
    assert got["rows"] == [[1, "a", 0.5], [2, None, 3]]
    assert got["dtypes"] == ["int", "str", "mixed"]


def test_a_pandas_frame_has_its_dtypes_and_nulls() -> None:
    frame = pd.DataFrame({"id": [1, 2, 3], "when": pd.to_datetime(["2024-01-01", None, None])})
    got = preview(frame, max_rows=2)
    assert got["columns"] == ["id", "when"] and got["total_rows"] == 3
    assert got["dtypes"][0] == "int64" and got["dtypes"][1].startswith("datetime64")
    assert got["rows"][1] == [2, None]
    assert preview_page([frame]) == from_views([frame])


class FakePolarsFrame:
    """Quacks like a polars DataFrame (polars is not a test dependency)."""

    def __init__(self, data: dict[str, list[Any]], dtypes: list[str]) -> None:
        self.data, self.dtypes = data, dtypes
        self.columns = list(data)
        self.height = len(next(iter(data.values())))

    def head(self, n: int) -> FakePolarsFrame:
        return FakePolarsFrame({k: v[:n] for k, v in self.data.items()}, self.dtypes)

    def rows(self) -> list[tuple[Any, ...]]:
        return list(zip(*self.data.values(), strict=True))


FakePolarsFrame.__module__ = "polars.dataframe.frame"
FakePolarsFrame.__qualname__ = FakePolarsFrame.__name__ = "DataFrame"


class FakePolarsSeries:
    def __init__(self, values: list[Any]) -> None:
        self.values, self.dtype = values, "Int64"

    def __len__(self) -> int:
        return len(self.values)

    def head(self, n: int) -> FakePolarsSeries:
        return FakePolarsSeries(self.values[:n])

    def to_list(self) -> list[Any]:
        return self.values


FakePolarsSeries.__module__ = "polars.series.series"


def test_a_polars_frame_is_a_table_without_importing_polars() -> None:
    had = "polars" in sys.modules
    frame = FakePolarsFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}, ["Int64", "String"])
    got = preview(frame, max_rows=2)
    assert got == {
        "kind": "table",
        "columns": ["a", "b"],
        "rows": [[1, "x"], [2, None]],
        "total_rows": 3,
        "dtypes": ["Int64", "String"],
        "type": "polars.dataframe.frame.DataFrame",
    }
    series = preview(FakePolarsSeries([5, 6, 7]), max_rows=2)
    assert series["kind"] == "array" and series["head"] == [5, 6] and series["shape"] == [3]
    assert ("polars" in sys.modules) == had


def test_real_polars_when_installed() -> None:
    pl = pytest.importorskip("polars")
    got = preview(pl.DataFrame({"a": [1, None], "b": ["x", "y"]}))
    assert got["rows"] == [[1, "x"], [None, "y"]] and got["dtypes"] == ["Int64", "String"]


def test_numpy_arrays_have_shape_and_dtype() -> None:
    one = preview(np.linspace(0, 1, 5), max_rows=3)
    assert (one["kind"], one["dtype"], one["shape"]) == ("array", "float64", [5])
    two = preview(np.ones((4, 3), dtype=np.float32), max_rows=2)
    assert (two["kind"], two["dtype"], two["shape"]) == ("table", "float32", [4, 3])
    assert two["dtypes"] == ["float32"] * 3 and len(two["rows"]) == 2
    image = preview(np.zeros((8, 8, 3), dtype=np.uint8), max_rows=4)
    assert (image["kind"], image["shape"], image["dtype"]) == ("array", [8, 8, 3], "uint8")
    assert image["head"] == [0, 0, 0, 0] and image["flat"] is True
    record = preview(np.array([(1, 2.5)], dtype=[("id", "i8"), ("v", "f4")]))
    assert record["dtypes"] == ["int64", "float32"]
    items = [np.arange(3), np.zeros((2, 2)), np.zeros((2, 2, 2))]
    assert preview_page(items) == from_views(items)


def test_long_strings_keep_their_start_and_length_for_show_more() -> None:
    text = "line\n" * 50_000
    (got,) = preview_page([text])["items"]
    assert got["kind"] == "text" and got["length"] == 250_000
    assert got["text"] == text[:TEXT_CHARS]
    assert preview_page([text]) == from_views([text])
    (short,) = preview_page(["hello"])["items"]
    assert short == {"kind": "text", "text": "hello", "length": 5, "type": "str"}
    assert preview_page(["hello", 1]) == from_views(["hello", 1])


def test_bytes_show_their_literal_and_length() -> None:
    data = bytes(range(256)) * 1000
    (got,) = preview_page([data])["items"]
    assert got["kind"] == "text" and got["length"] == 256_000 and got["type"] == "bytes"
    assert got["text"].startswith("b'\\x00\\x01") and len(got["text"]) <= TEXT_CHARS
    assert preview_page([data]) == from_views([data])
    assert preview(b"abc") == {"kind": "text", "text": "b'abc'", "length": 3, "type": "bytes"}
