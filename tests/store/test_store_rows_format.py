"""Rows (flat dicts) are stored as Arrow record batches only when they read back equal, types,
missing keys and key order included; otherwise they are pickled. Either way they read back
exactly as they were."""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict
from typing import Any

import pyarrow as pa
import pytest
from formats_helpers import formats, read_back, same, store_chunks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sluicegate.store import OutputStore
from sluicegate.store import formats as formats_module


class Name(str):
    """A str subclass: Arrow would give back a plain str."""


ARROW_ROWS: dict[str, list[Any]] = {
    "ints floats strings bools": [
        {"id": 1, "x": 1.5, "name": "a", "ok": True},
        {"id": 2, "x": -0.0, "name": "ü ✓", "ok": False},
    ],
    "None in any column": [
        {"id": None, "x": 1.0, "name": None},
        {"id": 3, "x": None, "name": "b"},
    ],
    "a column of only None": [{"a": 1, "b": None}, {"a": 2, "b": None}],
    "bytes": [{"blob": b"\x00\xff"}, {"blob": b""}],
    "naive timestamps and dates": [
        {"t": dt.datetime(2026, 1, 2, 3, 4, 5, 678901), "d": dt.date(2026, 1, 2)},
        {"t": dt.datetime(1970, 1, 1), "d": None},
    ],
    "64-bit ints at the edges": [{"n": -(1 << 63)}, {"n": (1 << 63) - 1}],
    "infinities": [{"x": math.inf}, {"x": -math.inf}],
}

PICKLED_ROWS: dict[str, list[Any]] = {
    "a missing key": [{"a": 1, "b": 2}, {"a": 3}],
    "another key order": [{"a": 1, "b": 2}, {"b": 3, "a": 4}],
    "ints and floats in one column": [{"x": 1}, {"x": 2.5}],
    "bools and ints in one column": [{"x": True}, {"x": 2}],
    "a tz-aware timestamp": [{"t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}],
    "a nested dict": [{"a": {"b": 1}}],
    "a list value": [{"a": [1, 2]}],
    "a tuple value": [{"a": (1, 2)}],
    "a non-string key": [{1: "a"}],
    "a dict subclass": [OrderedDict(a=1)],
    "an int past 64 bits": [{"n": 1 << 64}],
    "a lone surrogate": [{"s": "\udc80"}],
    "an empty dict": [{}],
    "a dict among other items": [{"a": 1}, 5],
    "a str subclass value": [{"s": Name("x")}],
}


@pytest.mark.parametrize("rows", ARROW_ROWS.values(), ids=ARROW_ROWS.keys())
def test_rows_arrow_keeps_exactly_are_stored_as_arrow(store: OutputStore, rows: list[Any]) -> None:
    block = store_chunks(store, [rows])
    assert formats(block) == ["rows"]
    assert same(read_back(store), rows)


@pytest.mark.parametrize("rows", PICKLED_ROWS.values(), ids=PICKLED_ROWS.keys())
def test_rows_arrow_would_change_are_pickled_and_read_back_equal(
    store: OutputStore, rows: list[Any]
) -> None:
    block = store_chunks(store, [rows])
    assert formats(block) == ["pickle"]
    back = read_back(store)
    assert same(back, rows)


def test_nan_comes_back_as_nan(store: OutputStore) -> None:
    block = store_chunks(store, [[{"x": math.nan}, {"x": 1.0}]])
    assert formats(block) == ["rows"]
    back = read_back(store)
    assert type(back[0]["x"]) is float and math.isnan(back[0]["x"]) and back[1] == {"x": 1.0}


def test_a_block_of_rows_is_one_arrow_stream_other_tools_read(store: OutputStore) -> None:
    chunks = [[{"i": i, "s": str(i)} for i in range(j, j + 3)] for j in range(0, 9, 3)]
    block = store_chunks(store, chunks)
    files = sorted((block / "items").iterdir())
    assert [f.name for f in files] == ["000001.arrows"]
    table = pa.ipc.open_stream(files[0].read_bytes()).read_all()
    assert table.to_pylist() == [row for chunk in chunks for row in chunk]
    assert table.schema.names == ["i", "s"]


def test_rows_with_other_columns_go_to_another_stream_and_keep_their_order(
    store: OutputStore,
) -> None:
    chunks = [[{"a": 1}], [{"b": "x"}], [{"a": 2}], [{"a": 3.5}]]
    block = store_chunks(store, chunks)
    assert formats(block) == ["rows"] * 4
    assert sorted(p.name for p in (block / "items").iterdir()) == [
        "000001.arrows",
        "000002.arrows",
        "000003.arrows",
    ]
    assert same(read_back(store), [row for chunk in chunks for row in chunk])


def test_children_rows_share_batches_and_each_child_reads_its_own(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    for i in range(300):
        out = run.open("D", f"D:{i}", (i,), keep="all", budget_bytes=1 << 20)
        out.add([{"i": i, "j": j} for j in range(i % 3)], 64, exact=False)
        out.finish("succeeded")
    run.finish_run("succeeded", {})
    reader = store.reader("r1")
    for i in (0, 1, 2, 150, 299):
        assert same(reader.items("D", f"D:{i}"), [{"i": i, "j": j} for j in range(i % 3)])
    stream = store.root / "r1" / "blocks" / "D" / "items" / "000001.arrows"
    assert pa.ipc.open_stream(stream.read_bytes()).read_all().num_rows == 300  # 0+1+2 per 3


def test_without_pyarrow_rows_are_pickled(store: OutputStore, monkeypatch: Any) -> None:
    monkeypatch.setattr(formats_module, "_arrow", False)
    rows = ARROW_ROWS["ints floats strings bools"]
    block = store_chunks(store, [rows])
    assert formats(block) == ["pickle"]
    assert not (block / "items").exists()
    assert same(read_back(store), rows)


_KINDS = [
    st.booleans(),
    st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1),
    st.floats(),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.datetimes(),
    st.dates(),
]
_ANY = st.one_of(*_KINDS, st.none(), st.integers(min_value=1 << 63, max_value=1 << 70))


@st.composite
def _uniform_rows(draw: Any) -> list[dict[str, Any]]:
    """Rows Arrow keeps: the same keys in the same order, one type (or None) per column."""
    keys = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    kinds = [draw(st.sampled_from(_KINDS)) for _ in keys]
    n = draw(st.integers(min_value=1, max_value=5))
    return [
        {k: draw(st.none() | kind) for k, kind in zip(keys, kinds, strict=True)} for _ in range(n)
    ]


_FREE_ROWS = st.lists(
    st.dictionaries(st.sampled_from(["a", "b", "c"]), _ANY, max_size=3), min_size=1, max_size=5
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_uniform_rows())
def test_any_uniform_rows_are_arrow_and_read_back_exactly(
    tmp_path_factory: Any, rows: list[dict[str, Any]]
) -> None:
    store = OutputStore(tmp_path_factory.mktemp("s"))
    block = store_chunks(store, [rows])
    assert formats(block) == ["rows"]
    assert same(read_back(store), rows)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunks=st.lists(_FREE_ROWS, min_size=1, max_size=3))
def test_any_rows_read_back_exactly(tmp_path_factory: Any, chunks: list[list[Any]]) -> None:
    """Whatever mix of keys, orders and types: what is read is what was stored."""
    store = OutputStore(tmp_path_factory.mktemp("s"))
    store_chunks(store, chunks)
    assert same(read_back(store), [row for chunk in chunks for row in chunk])


def test_rows_of_a_live_run_are_readable_after_each_flush(store: OutputStore) -> None:
    run = store.start_run("live", {})
    out = run.open("S", "S", (), keep="all", budget_bytes=1 << 20)
    stream = store.root / "live" / "blocks" / "S" / "items" / "000001.arrows"
    out.add([{"i": 0}, {"i": 1}], 32, exact=False)
    run.flush()
    assert pa.ipc.open_stream(stream.read_bytes()).read_all().to_pylist() == [{"i": 0}, {"i": 1}]
    out.add([{"i": 2}], 16, exact=False)
    run.flush()
    assert pa.ipc.open_stream(stream.read_bytes()).read_all().num_rows == 3
    assert store.reader("live").items("S", "S") == [{"i": 0}, {"i": 1}, {"i": 2}]
    out.finish("succeeded")
    run.finish_run("succeeded", {})


def test_sampled_rows_keep_the_first_and_the_last(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    out = run.open("S", "S", (), keep="sample", budget_bytes=1 << 20)
    for i in range(0, 100, 10):
        out.add([{"i": j} for j in range(i, i + 10)], 160, exact=False)
    out.finish("succeeded")
    run.finish_run("succeeded", {})
    assert store.reader("r1").items("S", "S") == [{"i": 0}, {"i": 99}]
    assert store.reader("r1").block_run("S", "S")["kept"] == "sample"


def test_reading_arrow_outputs_without_pyarrow_says_what_to_install(
    store: OutputStore, monkeypatch: Any
) -> None:
    import sys

    import numpy as np

    from sluicegate.store.chunkdata import MissingArrow

    store_chunks(store, [[{"a": 1}], [np.arange(2)]])
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` now fails
    reader = store.reader("r1")
    with pytest.raises(MissingArrow, match=r"pip install 'sluicegate\[arrow\]'"):
        reader.items("B", "B", 0, 1)
    assert reader.items("B", "B", 1, 1)[0].tolist() == [0, 1]  # .npy needs numpy only


def test_an_item_that_is_a_list_of_rows_is_one_arrow_file(store: OutputStore) -> None:
    """A Mage-style block returning a list of dicts emits one item: the list."""
    table = [{"sku": "a", "price": 1.5}, {"sku": "b", "price": None}]
    block = store_chunks(store, [[table, [{"n": 1}]]])
    assert formats(block) == ["files:rows,rows"]
    assert same(read_back(store), [table, [{"n": 1}]])
    on_disk = pa.ipc.open_file((block / "items" / "000001.arrow").read_bytes()).read_all()
    assert on_disk.to_pylist() == table


@pytest.mark.parametrize(
    "item",
    [[{"a": 1}, {"a": 2.5}], [{"a": 1}, {"b": 1}], [], [{"a": 1}, 2], ({"a": 1},)],
    ids=["ints and floats", "other keys", "empty", "not only dicts", "a tuple"],
)
def test_lists_arrow_would_change_are_pickled(store: OutputStore, item: Any) -> None:
    block = store_chunks(store, [[item]])
    assert formats(block) == ["pickle"]
    assert same(read_back(store), [item])
