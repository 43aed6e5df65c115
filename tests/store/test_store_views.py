"""Safe views: the kernel stores a JSON view of every kept item, and a page built from views
is the page `preview_page` builds from the items themselves, with no unpickling."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sluicegate.errors import NotFound
from sluicegate.store import OutputStore, preview_page
from sluicegate.store.views import (
    MISSING,
    NO_VIEW_TEXT,
    chunk_view,
    page_from_views,
    view_slice,
)


class Point:
    def __init__(self, x: int) -> None:
        self.x = x

    def __repr__(self) -> str:
        return f"Point({self.x})"


def _round_trip(items: list[Any]) -> list[Any]:
    """The views as the server reads them: through JSON."""
    chunk = json.loads(json.dumps(chunk_view(items), default=str))
    return view_slice(chunk, 0, len(items))


PAGES: dict[str, list[Any]] = {
    "rows": [{"a": i, "b": f"s{i}", "c": i / 3, "d": None, "e": i % 2 == 0} for i in range(12)],
    "rows with odd cells": [
        {"when": dt.date(2024, 1, i + 1), "tags": [i, i + 1], "x": float("nan"), "s": "y" * 300}
        for i in range(3)
    ],
    "rows of different keys": [{"a": 1}, {"b": 2}, {"a": 1, "b": "two"}],
    "rows in another key order": [{"a": 1, "b": 2}, {"b": 3, "a": 4}],
    "rows with nan or inf": [{"a": 1.5, "b": "x"}, {"a": float("nan"), "b": "y"}, {"a": -1e400}],
    "rows with a long string": [{"s": "short", "n": 1}, {"s": "z" * 201, "n": 2}],
    "rows with bool and int subclasses": [{"a": True}, {"a": 1}, {"a": dt.timedelta(1)}],
    "rows of many keys": [{f"k{j}": j for j in range(101)}],
    "rows and scalars": [{"a": 1}, 2, "three", None, True, 4.5, -0.0, 10**50],
    "non-str keys": [{1: "one", (2, 3): "pair"}, {1: "uno", (2, 3): "par"}],
    "mixed key types": [{1: "x"}, {"1": "x"}],
    "wide rows": [{f"k{j}": j for j in range(150)} for _ in range(2)],
    "column dicts": [{"x": [1, 2, 3], "y": np.array([0.5, 1.5, 2.5])}, {"x": []}],
    "scalars": [0, -1, 2**70, 1.25, float("inf"), "", "x" * 5000, 'quote\'s "and" \n', False],
    "containers": [[1, 2, 3], (4, 5), {1, 2}, [{"a": 1}, {"a": 2}], b"bytes", list(range(100))],
    "arrays": [np.arange(30), np.zeros((3, 4)), np.ones((2, 2, 2)), np.float64(2.5)],
    "objects": [Point(1), Point(2), object.__new__(Point)],
    "empty": [],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_from_views_is_the_page_from_items(name: str) -> None:
    items = PAGES[name]
    expected = json.loads(json.dumps(preview_page(items), default=str))
    assert page_from_views(_round_trip(items)) == expected


def test_views_are_plain_json(tmp_path: Path) -> None:
    text = json.dumps(chunk_view(PAGES["arrays"] + PAGES["objects"] + PAGES["scalars"][:4]))
    assert "Point(1)" in text and json.loads(text)[-1] == 1.25


def test_uniform_rows_are_stored_once_per_chunk() -> None:
    rows = PAGES["rows"]
    view = chunk_view(rows)
    assert isinstance(view, dict) and view["keys"] == ["a", "b", "c", "d", "e"]
    assert len(json.dumps(view)) < len(json.dumps(rows))
    assert view_slice(view, 3, 2)[1] == {
        "kind": "row",
        "keys": view["keys"],
        "cells": (4, "s4", 4 / 3, None, True),
    }
    assert isinstance(chunk_view(PAGES["rows with odd cells"]), list)  # dates, lists: per item


def test_real_pandas_frames_have_views() -> None:
    pd = pytest.importorskip("pandas")
    frames = [pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), pd.Series([1.5, 2.5])]
    expected = json.loads(json.dumps(preview_page(frames), default=str))
    assert page_from_views(_round_trip(frames)) == expected


def _store(store: OutputStore, chunks: list[list[Any]], keep: Any = "all") -> None:
    run = store.start_run("r1", {})
    out = run.open("B", "B", (), keep=keep, budget_bytes=1 << 30)
    for chunk in chunks:
        out.add(chunk, 10 * len(chunk), exact=False)
    out.finish("done")
    run.finish_run("done", {})


def test_pages_of_views_span_chunks(store: OutputStore, monkeypatch: Any) -> None:
    chunks = [[{"i": i, "p": Point(i)} for i in range(j, j + 7)] for j in range(0, 70, 7)]
    _store(store, chunks)
    reader = store.reader("r1")
    items = reader.items("B", "B", 0, 100)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("views must not unpickle")

    monkeypatch.setattr(pickle, "loads", refuse)
    for offset, limit in [(0, 20), (5, 9), (63, 20), (69, 1), (70, 5)]:
        page = page_from_views(reader.views("B", "B", offset, limit))
        assert page == preview_page(items[offset : offset + limit])
    assert page_from_views(reader.views("B", "B", 3, 2))["rows"][1][1] == "Point(4)"


def test_sampled_outputs_have_views_of_what_was_kept(store: OutputStore) -> None:
    _store(store, [[f"x{i}"] for i in range(100)], keep="sample")
    views = store.reader("r1").views("B", "B", 0, 10)
    assert views == ["x0", "x99"]


def test_outputs_stored_without_views_get_a_notice(store: OutputStore) -> None:
    """A run stored by an older version: data.bin and index lines without views."""
    _store(store, [[1, 2], [3]])
    block = store.root / "r1" / "blocks" / "B"
    lines = [json.loads(x) for x in (block / "index.jsonl").read_text().splitlines()]
    (block / "index.jsonl").write_text(
        "".join(json.dumps({**x, "view": None}) + "\n" for x in lines)
    )
    (block / "views.jsonl").unlink()
    reader = store.reader("r1")
    assert reader.views("B", "B", 0, 10) == [MISSING] * 3
    assert page_from_views(reader.views("B", "B", 1, 1)) == {"kind": "notice", "text": NO_VIEW_TEXT}
    assert reader.items("B", "B") == [1, 2, 3]  # the kernel can still replay them


def test_a_corrupt_view_line_is_no_view(store: OutputStore) -> None:
    _store(store, [[1, 2], [3]])
    views = store.root / "r1" / "blocks" / "B" / "views.jsonl"
    views.write_bytes(b"{bad}" + views.read_bytes()[5:])  # the first line, same length
    assert store.reader("r1").views("B", "B", 0, 10) == [MISSING, MISSING, 3]


@pytest.mark.parametrize("run_id", ["..", ".", "", "a/b", "a\\b", "a\x00b", "x" * 300, "\n"])
def test_run_ids_that_cannot_name_a_folder(store: OutputStore, run_id: str) -> None:
    with pytest.raises(NotFound, match="No stored run can have the id"):
        store.reader(run_id)
    with pytest.raises(ValueError, match="cannot name a folder"):
        store.start_run(run_id, {})
    assert not store.root.exists() or list(store.root.iterdir()) == []


def test_over_long_block_names_are_not_found(store: OutputStore) -> None:
    _store(store, [[1]])
    with pytest.raises(NotFound):
        store.reader("r1").views("é" * 200, "x")
