"""DataFrames (pandas, polars) and Arrow tables are stored as Arrow IPC files, numpy arrays as
.npy, each only when it reads back equal; anything else pickles, and reads back equal too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from formats_helpers import formats, read_back, store_chunks

from sluicegate.store import OutputStore
from sluicegate.store import formats as formats_module

FRAMES: dict[str, Any] = {
    "plain": lambda: pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.5, np.nan]}),
    "ordered categorical": lambda: pd.DataFrame(
        {"c": pd.Categorical(["a", "b", "a"], categories=["b", "a"], ordered=True)}
    ),
    "tz-aware timestamps": lambda: pd.DataFrame(
        {"t": pd.date_range("2026-03-29", periods=3, freq="h", tz="Europe/Paris")}
    ),
    "named string index": lambda: pd.DataFrame({"a": [1, 2]}, index=pd.Index(["x", "y"], name="k")),
    "range index from 5": lambda: pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(5, 7)),
    "multi index": lambda: pd.DataFrame(
        {"a": [1, 2]}, index=pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["n", "s"])
    ),
    "nullable ints": lambda: pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}),
    "empty": lambda: pd.DataFrame({"a": pd.Series([], dtype="int64")}),
}

PICKLED_FRAMES: dict[str, Any] = {
    "int column labels": lambda: pd.DataFrame({0: [1.0], 1: [2.0]}),
    "mixed object column": lambda: pd.DataFrame({"a": [1, "x"]}),
    "duplicate column names": lambda: pd.DataFrame([[1, 2]], columns=["a", "a"]),
    "object column of ints": lambda: pd.DataFrame({"a": pd.Series([1, 2], dtype=object)}),
    "object column of tuples": lambda: pd.DataFrame({"a": [(1, 2), (3, 4)]}),
    "ints and floats in an object column": lambda: pd.DataFrame(
        {"a": pd.Series([1, 2.5], dtype=object)}
    ),
}


def assert_frames_equal(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True)
    assert type(a.index) is type(b.index) and list(a.columns) == list(b.columns)
    assert [type(c) for c in a.columns] == [type(c) for c in b.columns]


@pytest.mark.parametrize("make", FRAMES.values(), ids=FRAMES.keys())
def test_pandas_frames_are_arrow_files_pandas_reads(store: OutputStore, make: Any) -> None:
    frame = make()
    block = store_chunks(store, [[frame]])
    assert formats(block) == ["files:pandas"]
    (back,) = read_back(store)
    assert_frames_equal(back, frame)
    assert_frames_equal(pd.read_feather(block / "items" / "000001.arrow"), frame)


@pytest.mark.parametrize("make", PICKLED_FRAMES.values(), ids=PICKLED_FRAMES.keys())
def test_pandas_frames_arrow_would_change_are_pickled(store: OutputStore, make: Any) -> None:
    frame = make()
    block = store_chunks(store, [[frame]])
    assert formats(block) == ["pickle"]
    (back,) = read_back(store)
    assert_frames_equal(back, frame)
    for i in range(frame.shape[1]):
        assert [*map(type, back.iloc[:, i])] == [*map(type, frame.iloc[:, i])]


def test_a_frame_with_attrs_keeps_them(store: OutputStore) -> None:
    frame = pd.DataFrame({"a": [1]})
    frame.attrs["source"] = "sensor 7"
    store_chunks(store, [[frame]])
    (back,) = read_back(store)
    assert back.attrs == {"source": "sensor 7"}
    assert_frames_equal(back, frame)


def test_polars_frames_and_arrow_tables_are_arrow_files(store: OutputStore) -> None:
    polars = pl.DataFrame({"a": [1, None], "s": ["x", "y"], "t": [1.5, 2.5]})
    table = pa.table({"a": [1, 2]}).replace_schema_metadata({"origin": "test"})
    block = store_chunks(store, [[polars, table]])
    assert formats(block) == ["files:polars,arrow"]
    back_polars, back_table = read_back(store)
    assert type(back_polars) is pl.DataFrame and back_polars.equals(polars)
    assert back_polars.schema == polars.schema
    assert type(back_table) is pa.Table and back_table.equals(table, check_metadata=True)
    assert pl.read_ipc(block / "items" / "000001.arrow").equals(polars)


ARRAYS: dict[str, Any] = {
    "int32 2-d": lambda: np.arange(12, dtype="int32").reshape(3, 4),
    "floats with NaN": lambda: np.array([1.0, np.nan, -np.inf]),
    "Fortran order": lambda: np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "structured": lambda: np.array([(1, 2.5), (3, 4.5)], dtype=[("i", "i4"), ("f", "f8")]),
    "datetimes with NaT": lambda: np.array(["2026-01-01", "NaT"], dtype="datetime64[s]"),
    "unicode": lambda: np.array(["ab", "ü"], dtype="U3"),
    "0-d": lambda: np.array(7, dtype="uint8"),
    "bools": lambda: np.array([True, False]),
}


@pytest.mark.parametrize("make", ARRAYS.values(), ids=ARRAYS.keys())
def test_arrays_are_npy_files_without_pickle(store: OutputStore, make: Any) -> None:
    array = make()
    block = store_chunks(store, [[array]])
    assert formats(block) == ["files:npy"]
    (back,) = read_back(store)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind in "fmM")
    assert back.flags.f_contiguous == array.flags.f_contiguous
    on_disk = np.load(block / "items" / "000001.npy", allow_pickle=False)
    assert np.array_equal(on_disk, array, equal_nan=array.dtype.kind in "fmM")


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.array([{"a": 1}, None], dtype=object),
        lambda: np.ma.masked_array([1, 2], mask=[0, 1]),
        lambda: np.array([1.0, np.nan]).view(Sub),
    ],
    ids=["object array", "masked array", "ndarray subclass"],
)
def test_arrays_npy_cannot_hold_are_pickled(store: OutputStore, make: Any) -> None:
    array = make()
    block = store_chunks(store, [[array]])
    assert formats(block) == ["pickle"]
    (back,) = read_back(store)
    assert type(back) is type(array)
    assert [repr(x) for x in back] == [repr(x) for x in array]


class Sub(np.ndarray):
    """An ndarray subclass: .npy would give back a plain ndarray."""


def test_a_chunk_mixing_a_frame_and_other_items_is_pickled(store: OutputStore) -> None:
    frame = pd.DataFrame({"a": [1]})
    block = store_chunks(store, [[frame, 5], [np.arange(2), np.arange(3)]])
    assert formats(block) == ["pickle", "files:npy,npy"]
    back = read_back(store)
    assert_frames_equal(back[0], frame)
    assert back[1] == 5 and [a.tolist() for a in back[2:]] == [[0, 1], [0, 1, 2]]


def test_without_pyarrow_frames_pickle_and_arrays_stay_npy(
    store: OutputStore, monkeypatch: Any
) -> None:
    monkeypatch.setattr(formats_module, "_arrow", False)
    frame = pd.DataFrame({"a": [1, 2]})
    block = store_chunks(store, [[frame], [np.arange(3)]])
    assert formats(block) == ["pickle", "files:npy"]
    back = read_back(store)
    assert_frames_equal(back[0], frame)
    assert back[1].tolist() == [0, 1, 2]


def test_paging_reads_only_the_files_of_the_page(store: OutputStore) -> None:
    arrays = [np.full(3, i) for i in range(10)]
    block = store_chunks(store, [arrays[:5], arrays[5:]])
    for f in sorted(Path(block / "items").iterdir())[:4]:
        f.unlink()  # the page below never needs them
    back = store.reader("r1").items("B", "B", offset=6, limit=3)
    assert [a.tolist() for a in back] == [[i] * 3 for i in (6, 7, 8)]
