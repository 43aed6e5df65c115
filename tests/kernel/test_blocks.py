"""Input styles, Mage block compatibility, and bad block code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sluicegate.errors import BlockLoadError, PlanError
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore


def _stored(workspace: Path, run, run_id: str, name: str, **kwargs):  # type: ignore[no-untyped-def]
    store = OutputStore(workspace / ".sluicegate" / "runs")
    writer = store.start_run(run_id, {"pipeline": name})
    out = run(name, store=StoreAdapter(writer, 1 << 26), **kwargs)
    return out, store.reader(run_id)


def test_input_styles_per_item_lookup_collect_stream_explode(run_fixture, workspace: Path):
    out, reader = _stored(workspace, run_fixture, "r-styles", "styles")
    assert out.result.ok, out.result.error
    # per item, with `offset` (one item) passed to every call as a lookup value
    assert reader.items("scaled", "scaled") == [100, 103, 106, 109, 112]
    # a generator per item yields several outputs per input
    assert out.report["blocks"]["pairs"]["items_out"] == 10
    # collect: called once with the list of all items
    assert reader.items("everything", "everything")[0] == sorted(
        [100, 103, 106, 109, 112, -100, -103, -106, -109, -112]
    )
    # stream: called once with an iterator, yields as it reads
    assert reader.items("running_sum", "running_sum", limit=100)[-1] == 0
    assert out.report["blocks"]["running_sum"]["items_out"] == 10
    # explode: a returned list becomes one item per element
    assert reader.items("split", "split") == [100, 101]


def test_mage_block_files_run_unchanged_without_mage_installed(tmp_path: Path):
    code = (
        "import sys; from pathlib import Path\n"
        "from sluicegate.graph.build import load_pipeline\n"
        "from sluicegate.kernel.api import LocalKernel\n"
        "r = LocalKernel().run(load_pipeline(Path('examples'), 'seed_stream'))\n"
        "assert r.ok, r.error\n"
        "assert not any(m.startswith('mage_ai') for m in sys.modules), 'mage_ai was imported'\n"
        "print(r.report['blocks']['D']['children']['succeeded'])\n"
    )
    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PYTHONPATH": str(root / "server")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "100"


def test_user_error_names_the_block_and_the_line(run_fixture):
    out = run_fixture("user_error")
    assert out.result.status == "failed"
    assert out.result.error == "block 'T' failed: ZeroDivisionError: division by zero"
    error = out.report["blocks"]["T"]["error"]
    assert 'T.py", line 6' in error["traceback"]
    assert "driver.py" not in error["traceback"], "kernel frames are left out of user tracebacks"


def test_failing_test_function_fails_the_block(run_fixture):
    out = run_fixture("failing_test")
    assert out.result.status == "failed"
    assert "@test test_has_rows failed: the loader returned no rows" in (out.result.error or "")


def test_block_without_decorator_is_a_clear_error(run_fixture):
    with pytest.raises(BlockLoadError) as info:
        run_fixture("no_decorator")
    assert "S.py" in str(info.value) and "decorate the function" in str(info.value)


def test_block_with_syntax_error_names_the_line(run_fixture):
    with pytest.raises(BlockLoadError) as info:
        run_fixture("syntax_error")
    assert "S.py" in str(info.value) and "line 2" in str(info.value)


def test_two_multi_item_inputs_on_a_per_item_block_is_a_plan_error(run_fixture):
    with pytest.raises(PlanError) as info:  # before any block runs (graph.replication)
        run_fixture("two_streams")
    assert "block 'J' has 2 multi-item inputs" in str(info.value)
    assert "stream: true" in str(info.value)
    assert info.value.where == "pipelines/two_streams/pipeline.yaml"


def test_stored_outputs_are_readable_by_a_new_process(run_fixture, workspace: Path):
    out, _ = _stored(workspace, run_fixture, "r-new-process", "seed_lineage")
    assert out.result.ok
    code = (
        "import sys; from pathlib import Path\n"
        "from sluicegate.store import OutputStore\n"
        "reader = OutputStore(Path(sys.argv[1])).reader('r-new-process')\n"
        "print(reader.info()['status'], reader.count('D', 'D:7'), reader.items('D', 'D:7'))\n"
    )
    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code, str(workspace / ".sluicegate" / "runs")],
        env={"PYTHONPATH": str(root / "server")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["succeeded", "1"]
    assert "(7, 7)" in done.stdout
