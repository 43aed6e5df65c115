"""keep_outputs, the byte budget, unpicklable items, and reads that touch only what they need."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import pytest

from sluicegate.store import OutputStore, RunReader, chunkdata
from sluicegate.store.diskwriter import ByteQueue


def _write(store: OutputStore, keep: Any, budget: int, chunks: list[list[Any]]) -> RunReader:
    run = store.start_run("r1", {})
    out = run.open("B", "B", (), keep=keep, budget_bytes=budget)
    for chunk in chunks:
        out.add(chunk, 10 * len(chunk), exact=False)  # 10 bytes an item
    assert out.count == sum(map(len, chunks)) and out.bytes == 10 * out.count
    out.finish("done")
    run.finish_run("done", {})
    return store.reader("r1")


def test_keep_all_within_budget_keeps_every_item(store: OutputStore) -> None:
    reader = _write(store, "all", 1000, [[0, 1, 2], [3, 4]])
    line = reader.block_run("B", "B")
    assert line is not None and line["kept"] == "all" and line["count"] == 5
    assert reader.items("B", "B") == [0, 1, 2, 3, 4]


def test_keep_all_past_budget_keeps_first_and_last(store: OutputStore) -> None:
    chunks = [list(range(i, i + 10)) for i in range(0, 100, 10)]
    reader = _write(store, "all", 250, chunks)  # two chunks (200 bytes) fit, the third does not
    line = reader.block_run("B", "B")
    assert line is not None
    assert line["kept"] == "sample" and line["count"] == 100 and line["bytes"] == 1000
    assert line["stored"] == 21
    assert reader.items("B", "B", limit=100) == [*range(20), 99]
    assert reader.count("B", "B") == 100


def test_keep_all_with_a_first_chunk_over_budget(store: OutputStore) -> None:
    reader = _write(store, "all", 5, [[1, 2, 3], [4]])
    assert reader.items("B", "B") == [1, 4]
    assert (reader.block_run("B", "B") or {})["kept"] == "sample"


def test_keep_sample_keeps_first_and_last(store: OutputStore) -> None:
    reader = _write(store, "sample", 1 << 30, [[f"x{i}"] for i in range(1000)])
    line = reader.block_run("B", "B")
    assert line is not None and line["kept"] == "sample" and line["count"] == 1000
    assert reader.items("B", "B") == ["x0", "x999"]
    assert line["preview"] == {"kind": "text", "text": "x0", "length": 2, "type": "str"}
    assert line["types"] == {"str": 1000}


def test_keep_sample_of_one_item_keeps_it_once(store: OutputStore) -> None:
    reader = _write(store, "sample", 1 << 30, [["only"]])
    assert reader.items("B", "B") == ["only"]
    assert (reader.block_run("B", "B") or {})["kept"] == "all"


def test_keep_none_keeps_metadata_only(store: OutputStore) -> None:
    reader = _write(store, "none", 1 << 30, [[{"a": 1}, {"a": 2}], [{"a": 3}]])
    line = reader.block_run("B", "B")
    assert line is not None and line["kept"] == "none" and line["count"] == 3
    assert line["schema"]["fields"] == [{"name": "a", "type": "int"}]
    assert line["preview"]["text"] == "{'a': 1}"
    assert reader.items("B", "B") == []
    assert reader.count("B", "B") == 3
    assert (store.root / "r1" / "blocks" / "B" / "data.bin").stat().st_size == 0


def test_counts_and_metadata_never_unpickle(store: OutputStore, monkeypatch: Any) -> None:
    run = store.start_run("r1", {})
    for i in range(50):
        out = run.open("D", f"D:{i}", (i,), keep="all", budget_bytes=1 << 20)
        out.add(list(range(i)), 8 * i, exact=True)
        out.finish("done")
    live = run.open("L", "L", (), keep="all", budget_bytes=1 << 20)
    live.add([1, 2, 3], 24, exact=True)
    run.flush()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("item data was unpickled")

    monkeypatch.setattr(pickle, "loads", refuse)
    reader = store.reader("r1")
    assert [reader.count("D", f"D:{i}") for i in range(50)] == list(range(50))
    assert reader.count("L", "L") == 3  # a live block run: from the index lines
    assert len(reader.block_runs("D", offset=10, limit=20)) == 20
    assert (reader.block_run("D", "D:7") or {})["count"] == 7
    run.finish_run("done", {})


def test_paging_reads_only_the_chunks_covering_the_page(
    store: OutputStore, monkeypatch: Any
) -> None:
    run = store.start_run("r1", {})
    out = run.open("S", "S", (), keep="all", budget_bytes=1 << 30)
    for start in range(0, 1000, 10):  # 100 chunks of 10 items
        out.add(list(range(start, start + 10)), 80, exact=True)
    out.finish("done")
    run.finish_run("done", {})

    loaded: list[int] = []
    real_loads = pickle.loads

    def counting_loads(data: bytes, /, **kwargs: Any) -> Any:
        chunk = real_loads(data, **kwargs)
        loaded.append(chunk[0])
        return chunk

    monkeypatch.setattr(chunkdata.pickle, "loads", counting_loads)
    reader = store.reader("r1")
    assert reader.items("S", "S", offset=495, limit=10) == list(range(495, 505))
    assert loaded == [490, 500]
    loaded.clear()
    assert reader.items("S", "S", offset=990, limit=50) == list(range(990, 1000))
    assert loaded == [990]
    loaded.clear()
    assert reader.items("S", "S", offset=1000) == []
    assert loaded == []


class Unpicklable:
    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __repr__(self) -> str:
        return "<Unpicklable>"


def test_unpicklable_items_are_stored_as_repr(store: OutputStore) -> None:
    reader = _write(store, "all", 1 << 20, [[1, Unpicklable(), 3], [Unpicklable()]])
    line = reader.block_run("B", "B")
    assert line is not None and line["status"] == "done"
    assert line["unpicklable"] == 2 and line["count"] == 4
    assert line["types"] == {"int": 2, "test_store_keep.Unpicklable": 2}
    assert reader.items("B", "B") == [1, "<Unpicklable>", 3, "<Unpicklable>"]


def test_storage_errors_never_fail_the_run(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    (store.root / "r1" / "blocks").write_text("not a folder")  # every block folder fails
    out = run.open("B", "B", (), keep="all", budget_bytes=1 << 20)
    out.add([1, 2], 16, exact=True)
    out.finish("done")
    run.finish_run("done", {})
    info = store.reader("r1").info()
    assert info["status"] == "done" and info["store_errors"] >= 1
    assert "block `B`" in info["store_error"] and run.store_errors


def test_queue_is_bounded_in_bytes() -> None:
    queue = ByteQueue(max_bytes=100)
    queue.put(("a",), 60)
    queue.put(("b",), 40)
    entered = threading.Event()
    done = threading.Event()

    def producer() -> None:
        entered.set()
        queue.put(("c",), 10)  # 110 > 100: waits for the writer
        done.set()

    thread = threading.Thread(target=producer)
    thread.start()
    entered.wait()
    assert not done.wait(0.2)
    assert [op for op, _ in queue.take()] == [("a",), ("b",)]
    queue.release(100)
    assert done.wait(5)
    thread.join()
    assert [op for op, _ in queue.take()] == [("c",)]
    queue.release(10)
    queue.put(("big",), 1000)  # larger than the bound, but nothing is queued: admitted
    assert [op for op, _ in queue.take()] == [("big",)]


@pytest.mark.parametrize("keep", ["all", "sample", "none"])
def test_empty_block_run(store: OutputStore, keep: Any) -> None:
    reader = _write(store, keep, 100, [])
    line = reader.block_run("B", "B")
    assert line is not None and line["count"] == 0 and line["preview"] is None
    assert reader.items("B", "B") == [] and reader.count("B", "B") == 0
