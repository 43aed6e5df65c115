"""The same dataflow contract on every executor: threads, a local process pool and Ray.

Each case runs a fixture pipeline with `settings.executor` set to `thread`, `process` and
`ray` in turn (the Ray cluster is local, 2 CPUs, started once per session) and asserts what
a user sees: children, outputs, errors, deadlock messages, back pressure, logs.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sluicegate.errors import BlockLoadError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore
from sluicegate.store.logs import read_log


def _stored(workspace: Path, run_fixture: Any, name: str, executor: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    store = OutputStore(workspace / ".sluicegate" / "runs")
    run_id = f"{name}-{executor}"
    writer = store.start_run(run_id, {"pipeline": name})
    out = run_fixture(name, store=StoreAdapter(writer, 1 << 26), executor=executor, **kwargs)
    return out, store.reader(run_id), workspace / ".sluicegate" / "runs" / run_id


def test_seed_scenario_gives_100_children_that_start_before_the_parent_ends(run_fixture, executor):
    out = run_fixture("seed_product", variables={"a_sleep": 0.05}, executor=executor)
    assert out.result.ok, out.result.error
    blocks = out.report["blocks"]
    assert blocks["D"]["children"]["spawned"] == 100
    assert blocks["D"]["children"]["succeeded"] == 100
    assert blocks["B"]["first_output_s"] < blocks["A"]["finished_s"]
    assert blocks["D"]["executor"] == executor


def test_reduce_keeps_lineage_order(run_fixture, workspace: Path, executor):
    out, reader, _ = _stored(workspace, run_fixture, "seed_reduce", executor)
    assert out.result.ok, out.result.error
    assert reader.items("E", "E")[0] == [(i, i) for i in range(10)]


def test_every_input_style_gives_the_same_outputs(run_fixture, workspace: Path, executor):
    out, reader, _ = _stored(workspace, run_fixture, "styles", executor)
    assert out.result.ok, out.result.error
    assert reader.items("scaled", "scaled") == [100, 103, 106, 109, 112]
    assert out.report["blocks"]["pairs"]["items_out"] == 10  # a generator per item
    assert reader.items("everything", "everything")[0] == sorted(
        [100, 103, 106, 109, 112, -100, -103, -106, -109, -112]
    )
    assert reader.items("running_sum", "running_sum", limit=100)[-1] == 0  # stream: true
    assert reader.items("split", "split") == [100, 101]  # explode


def test_mage_dynamic_metadata_names_children(run_fixture, executor):
    out = run_fixture("mage_dynamic_yield", executor=executor)
    assert out.result.ok, out.result.error
    thread = run_fixture("mage_dynamic_yield", executor="thread")
    for block in ("read_file", "batch_size"):  # children named by the yielded metadata
        assert out.phases(block) == thread.phases(block)
        assert set(out.phases(block).values()) == {"succeeded"}


def test_diamond_deadlock_is_explained(run_fixture, executor):
    out = run_fixture("diamond_limited", executor=executor)
    assert out.result.status == "failed"
    message = out.result.error or ""
    assert message.startswith("Deadlock: wait-for cycle")
    assert "B is blocked writing B.out -> J.right" in message
    assert out.report["blocks"]["J"]["error"]["type"] == "Deadlock"


def test_back_pressure_bounds_every_edge(run_fixture, executor):
    out = run_fixture("linear_slow", executor=executor)
    assert out.result.ok, out.result.error
    for edge_id in ("S.out->T.S", "T.out->K.T"):
        port = out.report["ports"][edge_id]
        assert port["max_fill_items"] <= port["capacity_items"] + 1, port
    late = out.recorder.samples[len(out.recorder.samples) // 2 :]
    assert any(b["S"]["activity"] == "backpressured" for b, _ in late)


def test_values_are_isolated(run_fixture, workspace: Path, executor):
    out, reader, _ = _stored(workspace, run_fixture, "isolation_mutation", executor)
    assert out.result.ok, out.result.error
    assert reader.items("source", "source") == [{"n": 1, "tags": []}]
    assert reader.items("a", "a") == [{"n": 11, "tags": []}]
    assert reader.items("b", "b") == [{"n": 1, "tags": ["b"]}]
    # a generator changing the dict it yielded does not change what was emitted
    assert reader.items("reuse", "reuse") == [{"n": n, "tags": []} for n in range(3)]


def test_user_error_names_the_block_and_the_line(run_fixture, executor):
    out = run_fixture("user_error", executor=executor)
    assert out.result.status == "failed"
    assert out.result.error == "block 'T' failed: ZeroDivisionError: division by zero"
    error = out.report["blocks"]["T"]["error"]
    assert 'T.py", line 6' in error["traceback"]
    assert error["line"] == 6
    assert "hosted.py" not in error["traceback"] and "driver.py" not in error["traceback"]


def test_syntax_error_is_found_before_running(run_fixture, executor):
    with pytest.raises(BlockLoadError) as info:
        run_fixture("syntax_error", executor=executor)
    assert "S.py" in str(info.value) and "line 2" in str(info.value)


def test_failing_test_function_fails_the_block(run_fixture, executor):
    out = run_fixture("failing_test", executor=executor)
    assert out.result.status == "failed"
    assert "@test test_has_rows failed: the loader returned no rows" in (out.result.error or "")


def test_fail_fast_cancels_siblings(run_fixture, executor):
    out = run_fixture("fail_fast", executor=executor)
    assert out.result.status == "failed"
    assert "B:3" in (out.result.error or "") and "bad row 3" in (out.result.error or "")
    assert out.report["blocks"]["R"]["phase"] == "upstream_failed"


def test_unsatisfiable_start_constraint_skips_the_block(run_fixture, executor):
    out = run_fixture("constraint_skip", executor=executor)
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["J"]["phase"] == "skipped"


def test_print_and_logger_lines_of_workers_reach_the_run_log(
    run_fixture, workspace: Path, executor
):
    out, _, run_dir = _stored(workspace, run_fixture, "logs", executor)
    assert out.result.ok, out.result.error
    lines, _ = read_log(run_dir, limit=2000, uuid="S")
    assert [(line["level"], line["text"]) for line in lines] == [
        ("STDOUT", "hello from S"),
        ("STDERR", "S to stderr"),
        ("INFO", "S made 3 items"),
        ("WARNING", "a warning from the logging module"),
        ("STDOUT", "no newline at the end"),
    ]


def test_cancel_reaches_a_generator_in_a_worker(workspace: Path, recorder, executor):  # type: ignore[no-untyped-def]
    kernel = LocalKernel()
    topology = with_executor(load_pipeline(workspace, "cancellable"), executor)
    timer = threading.Timer(1.0, kernel.cancel)
    timer.start()
    started = time.perf_counter()
    result = kernel.run(topology, hooks=[recorder])
    elapsed = time.perf_counter() - started
    assert result.status == "cancelled"
    assert elapsed < 1.0 + 5.0, "cancel ends a run within seconds"
    assert result.report["blocks"]["S"]["phase"] == "cancelled"
    assert any("generator closed" in message for _, message in recorder.logs)


def test_lineage_and_zip_index_matching(run_fixture, executor):
    lineage = run_fixture("seed_lineage", executor=executor)
    assert lineage.result.ok, lineage.result.error
    assert lineage.report["blocks"]["D"]["children"]["spawned"] == 10
    zipped = run_fixture("zip_pairs", executor=executor)
    assert zipped.result.ok, zipped.result.error
    assert zipped.report["blocks"]["Z"]["children"]["spawned"] == 4


def test_async_generator_blocks_and_stall_warnings(run_fixture, executor):
    out = run_fixture("async_stall", executor=executor)
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["K"]["items_out"] == 3
    warnings = [m.message for m in out.sink.of_type("warn")]  # type: ignore[union-attr]
    assert any("K has been busy" in w and "stall" in w for w in warnings)
