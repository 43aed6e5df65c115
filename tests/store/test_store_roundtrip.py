"""Outputs written by one process are read by another, live or after the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from sluicegate.errors import Conflict, NotFound
from sluicegate.store import OutputStore

READ_IN_CHILD = """
import json, sys
from pathlib import Path
from sluicegate.store import OutputStore
r = OutputStore(Path(sys.argv[1])).reader("r1")
out = {
    "info": r.info(),
    "blocks": r.blocks(),
    "runs": r.block_runs("D"),
    "count": r.count("D", "D:1"),
    "items": r.items("D", "D:1", offset=2, limit=3),
    "child": r.block_run("D", "D:0"),
    "load": [repr(x) for x in r.items("load", "load")],
}
print(json.dumps(out))
"""


def test_round_trip_in_a_new_process(store: OutputStore, subprocess_env: dict[str, str]) -> None:
    run = store.start_run("r1", {"pipeline": "etl"})
    load = run.open("load", "load", (), keep="all", budget_bytes=1 << 20)
    load.add([np.arange(3), "text"], 100, exact=True)
    load.finish("done")
    for child in range(2):
        out = run.open("D", f"D:{child}", (child,), keep="all", budget_bytes=1 << 20)
        for start in range(0, 10, 4):
            out.add(
                [{"n": n, "child": child} for n in range(start, min(start + 4, 10))],
                40,
                exact=False,
            )
        out.finish("done")
    run.finish_run("done", {"blocks": 2})

    proc = subprocess.run(
        [sys.executable, "-c", READ_IN_CHILD, str(store.root)],
        capture_output=True,
        text=True,
        env=subprocess_env,
        check=True,
    )
    got = json.loads(proc.stdout)
    assert got["info"]["status"] == "done"
    assert got["info"]["pipeline"] == "etl" and got["info"]["blocks"] == 2
    assert got["blocks"] == ["D", "load"]
    assert [r["uuid"] for r in got["runs"]] == ["D:0", "D:1"]
    assert got["count"] == 10
    assert got["items"] == [{"n": n, "child": 1} for n in (2, 3, 4)]
    child = got["child"]
    assert child["key"] == [0] and child["status"] == "done" and child["kept"] == "all"
    assert child["count"] == 10 and child["bytes"] == 120 and child["bytes_est"] is True
    assert child["types"] == {"dict": 10}
    assert child["schema"]["fields"] == [
        {"name": "n", "type": "int"},
        {"name": "child", "type": "int"},
    ]
    assert child["preview"]["kind"] == "repr"
    assert got["load"] == ["array([0, 1, 2])", "'text'"]


def test_reads_a_live_run_after_flush(store: OutputStore) -> None:
    run = store.start_run("live", {})
    out = run.open("S", "S", (), keep="all", budget_bytes=1 << 20)
    out.add([1, 2], 16, exact=True)
    run.flush()
    reader = store.reader("live")
    assert reader.info()["status"] == "running"
    assert reader.items("S", "S") == [1, 2]
    assert reader.count("S", "S") == 2  # stored so far: the run has not finished
    assert reader.block_run("S", "S") is None
    out.add([3], 8, exact=True)
    out.finish("done")
    run.flush()
    assert reader.items("S", "S", offset=1) == [2, 3]  # the same reader sees the new lines
    assert (reader.block_run("S", "S") or {})["count"] == 3
    run.finish_run("done", {})
    assert store.list_runs() == ["live"]


def test_torn_trailing_index_line_is_ignored(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    out = run.open("D", "D", (), keep="all", budget_bytes=1 << 20)
    out.add(["a", "b"], 10, exact=False)
    out.add(["c"], 5, exact=False)
    run.flush()
    block = store.root / "r1" / "blocks" / "D"
    index = (block / "index.jsonl").read_bytes()
    assert index.count(b"\n") == 2
    # A crash while committing the second chunk: its index line is cut short.
    (block / "index.jsonl").write_bytes(index[: index.index(b"\n") + 1] + index[-20:-5])
    reader = store.reader("r1")
    assert reader.items("D", "D") == ["a", "b"]
    assert reader.count("D", "D") == 2
    # A torn runs.jsonl line is ignored as well.
    (block / "runs.jsonl").write_bytes(b'{"uuid":"D","key":[],"sta')
    assert reader.block_runs("D") == []
    assert reader.block_run("D", "D") is None


def test_unfinished_block_runs_are_closed_by_finish_run(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    out = run.open("D", "D", (), keep="all", budget_bytes=1 << 20)
    out.add([1], 8, exact=True)
    run.finish_run("failed", {"error": "boom"})
    reader = store.reader("r1")
    assert reader.info()["status"] == "failed"
    assert (reader.block_run("D", "D") or {})["status"] == "unfinished"
    with pytest.raises(RuntimeError, match="finished"):
        run.open("D", "D:1", (1,), keep="all", budget_bytes=1)
    run.flush()  # after the run: returns at once
    run.finish_run("done", {})  # a second call changes nothing
    assert reader.info()["status"] == "failed"


def test_errors_name_what_is_missing(store: OutputStore, tmp_path: Path) -> None:
    run = store.start_run("r1", {})
    out = run.open("D", "D", (), keep="all", budget_bytes=1 << 20)
    out.add([1], 8, exact=True)
    out.finish("done")
    run.finish_run("done", {})
    with pytest.raises(Conflict, match="new id"):
        store.start_run("r1", {})
    with pytest.raises(NotFound, match="list_runs"):
        store.reader("nope")
    reader = store.reader("r1")
    with pytest.raises(NotFound, match=r"blocks with outputs: D"):
        reader.items("E", "E")
    with pytest.raises(NotFound, match=r"block_runs\('D'\)"):
        reader.count("D", "D:9")
    run2 = store.start_run("r2", {})
    with pytest.raises(ValueError, match="all, sample or none"):
        run2.open("D", "D", (), keep=cast(Any, "most"), budget_bytes=1)
    run2.finish_run("done", {})
    assert OutputStore(tmp_path / "empty").list_runs() == []


def test_odd_block_names_get_safe_folders(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    for name in ("a/b", "..", "naïve name"):
        out = run.open(name, name, (), keep="all", budget_bytes=1 << 20)
        out.add([name], 8, exact=True)
        out.finish("done")
    run.finish_run("done", {})
    reader = store.reader("r1")
    assert reader.blocks() == sorted(["a/b", "..", "naïve name"])
    assert all(reader.items(n, n) == [n] for n in reader.blocks())
    assert sorted(p.name for p in (store.root / "r1" / "blocks").iterdir()) == sorted(
        ["a%2Fb", "%2E.", "na%C3%AFve%20name"]
    )
