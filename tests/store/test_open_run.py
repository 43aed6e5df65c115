"""`sluicegate.open_run` reads a run's outputs and logs without a server: a real run of the
outputs_mix fixture pipeline (rows, dynamic children, a DataFrame, an array, other objects),
and a run stored by Sluicegate 0.1.0 before outputs could be Arrow or .npy."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import sluicegate
from sluicegate.cli import main
from sluicegate.errors import NotFound, UsageError
from sluicegate.runs_api import Run
from sluicegate.runs_list import list_runs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_RUN = "outputs_mix-20261202-034633-6ea2c1"
ROWS = [{"id": i, "name": f"n{i}", "score": i * 1.5, "ok": i % 2 == 0} for i in range(5)]
SCALED = [{"n": n, "j": j, "value": n * 10 + j} for n in (1, 2, 3) for j in range(n)]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: Any) -> Path:
    """A workspace with one run of outputs_mix, run by `sluicegate run` in this process."""
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(FIXTURES / "store_ws" / "pipelines", ws / "pipelines")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", str(ws), "outputs_mix", "-q"]) == 0
    return ws


@pytest.fixture
def old_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "old"
    shutil.copytree(FIXTURES / "store_0_1_0" / "runs", ws / ".sluicegate" / "runs")
    return ws


def only_run(workspace: Path) -> Run:
    (summary,) = list_runs(workspace)
    return sluicegate.open_run(workspace, summary.id)


def check_outputs(run: Run) -> None:
    """What a user reads of outputs_mix, whatever format the store used."""
    assert run.pipeline == "outputs_mix" and run.status == "succeeded"
    assert run.blocks() == ["rows", "split", "scaled", "frame", "array", "objects"]
    assert run.block("rows").items() == ROWS
    assert run.block("split").items() == [1, 2, 3]
    scaled = run.block("scaled")
    assert [c.uuid for c in scaled.children()] == ["scaled:0", "scaled:1", "scaled:2"]
    assert [c.key for c in scaled.children()] == [(0,), (1,), (2,)]
    assert [c.count for c in scaled.children()] == [1, 2, 3]
    assert {c.status for c in scaled.children()} == {"succeeded"}
    assert scaled.items() == SCALED
    assert scaled.child("scaled:1").items() == SCALED[1:3]
    (frame,) = run.block("frame").items()
    expected = pd.DataFrame({"sku": ["a", "b", "c"], "price": [10.0, 20.5, None]})
    # (string storage depends on whether pyarrow was installed when the frame was made)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False, check_column_type=False)
    (array,) = run.block("array").items()
    assert array.dtype == np.int32 and array.tolist() == np.arange(12).reshape(3, 4).tolist()
    assert run.block("objects").items() == [{"nested": {"a": [1, 2]}}, (1, "two", 3.0), {1, 2, 3}]
    assert [line["text"] for line in scaled.log()] == ["child 1", "child 2", "child 3"]
    assert [line["text"] for line in scaled.child("scaled:2").log()] == ["child 3"]
    assert [line["text"] for line in run.block("split").log()] == ["split makes 3 children"]
    assert "rows: starting" in [line["text"] for line in run.log()]


def test_open_run_reads_every_kind_of_output_of_a_real_run(workspace: Path) -> None:
    check_outputs(only_run(workspace))


def test_open_run_reads_a_store_made_by_sluicegate_0_1_0(old_workspace: Path) -> None:
    run = sluicegate.open_run(old_workspace, OLD_RUN)
    check_outputs(run)
    assert not list((old_workspace / ".sluicegate").rglob("items"))  # all pickled back then


def test_outputs_are_files_other_tools_read(workspace: Path) -> None:
    run = only_run(workspace)
    blocks = run.path / "blocks"
    rows = pa.ipc.open_stream((blocks / "scaled" / "items" / "000001.arrows").read_bytes())
    assert rows.read_all().to_pylist() == SCALED
    frame = pd.read_feather(blocks / "frame" / "items" / "000001.arrow")
    pd.testing.assert_frame_equal(frame, run.block("frame").items()[0])
    array = np.load(blocks / "array" / "items" / "000001.npy", allow_pickle=False)
    assert array.tolist() == run.block("array").items()[0].tolist()


def test_to_pandas_gives_one_table(workspace: Path) -> None:
    run = only_run(workspace)
    scaled = run.block("scaled").to_pandas(child_column="child")
    assert scaled.to_dict("records") == [
        {**row, "child": f"scaled:{row['n'] - 1}"} for row in SCALED
    ]
    pd.testing.assert_frame_equal(run.block("rows").to_pandas(), pd.DataFrame(ROWS))
    pd.testing.assert_frame_equal(run.block("frame").to_pandas(), run.block("frame").items()[0])
    assert run.block("split").to_pandas()["item"].tolist() == [1, 2, 3]
    with pytest.raises(UsageError, match="mix"):
        run.block("objects").to_pandas()


def test_a_run_id_prefix_opens_the_run(workspace: Path) -> None:
    run = only_run(workspace)
    assert sluicegate.open_run(workspace, run.id[:15]).id == run.id


def test_missing_runs_blocks_and_children_are_named(workspace: Path, tmp_path: Path) -> None:
    run = only_run(workspace)
    with pytest.raises(NotFound, match=r"No run `nope` in .*recent runs: outputs_mix-"):
        sluicegate.open_run(workspace, "nope")
    with pytest.raises(NotFound, match=r"No stored runs in .*is it the workspace folder"):
        sluicegate.open_run(tmp_path, "x")
    with pytest.raises(NotFound, match=rf"Run `{run.id}` has no block `scaledd`; did you mean"):
        run.block("scaledd")
    with pytest.raises(NotFound, match=r"no child `scaled:9`.*scaled:0, scaled:1, scaled:2"):
        run.block("scaled").child("scaled:9")


def test_import_sluicegate_does_not_load_the_store_until_open_run_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sluicegate; print('sluicegate.runs_api' in sys.modules); "
        "sluicegate.open_run; print('sluicegate.runs_api' in sys.modules)"
    )
    env_path = str(Path(sluicegate.__file__).parents[1])
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path},
        check=True,
        timeout=60,
    ).stdout.split()
    assert out == ["False", "True"]


def test_a_run_still_going_shows_what_it_stored_so_far(tmp_path: Path) -> None:
    from sluicegate.store import OutputStore

    store = OutputStore(tmp_path / ".sluicegate" / "runs")
    writer = store.start_run("live-1", {"pipeline": "p"})
    done = writer.open("D", "D:0", (0,), keep="all", budget_bytes=1 << 20)
    done.add([{"a": 1}], 16, exact=False)
    done.finish("succeeded")
    going = writer.open("D", "D:1", (1,), keep="all", budget_bytes=1 << 20)
    going.add([{"a": 2}, {"a": 3}], 32, exact=False)
    writer.flush()

    run = sluicegate.open_run(tmp_path, "live-1")
    assert run.status == "running"
    children = run.block("D").children()
    assert [(c.uuid, c.status, c.stored) for c in children] == [
        ("D:0", "succeeded", 1),
        ("D:1", "running", 2),
    ]
    assert run.block("D").items() == [{"a": 1}, {"a": 2}, {"a": 3}]
    going.finish("succeeded")
    writer.finish_run("succeeded", {})
    assert sluicegate.open_run(tmp_path, "live-1").status == "succeeded"
