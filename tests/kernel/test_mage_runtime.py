"""Mage's runtime around a block, run in-process on Mage-style block files.

Each test asserts the behaviour Mage documents for the convention: the kwargs a block gets,
`@test` with kwargs, `@sensor`, conditions, callbacks, secrets and `mage_ai` imports.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sluicegate.errors import BlockLoadError, BlockLoadErrors
from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel


def test_a_block_gets_the_kwargs_mage_passes(run_fixture: Any, workspace: Path) -> None:
    before = datetime.now(UTC)
    out = run_fixture("mage_kwargs", store=(store := _MemoryStore()))
    assert out.result.ok, out.result.error
    got = store.items["load_orders"][0]
    assert got["table"] == "orders"
    assert got["limit"] == 6  # `from utils.helpers import double` at the workspace root
    assert got["pipeline_uuid"] == "mage_kwargs"
    assert got["block_uuid"] == "load_orders"
    assert got["env"] == "dev"
    assert got["event"] == {"source": "test"}
    assert got["repo_path"] == str(workspace.resolve())
    assert got["has_index"] is False  # only children of dynamic blocks get an index
    when = datetime.fromisoformat(got["execution_date"])
    assert when.tzinfo is not None and abs((when - before).total_seconds()) < 60
    assert got["ds"] == when.strftime("%Y-%m-%d")
    children = sorted(store.items["per_region"][0:3], key=lambda c: c["index"])
    assert [c["region"] for c in children] == ["north", "south", "west"]
    assert [c["index"] for c in children] == [0, 1, 2]
    assert children[1]["indexes"] == {"regions": 1}


def test_a_failing_test_names_the_assert_and_gets_kwargs(run_fixture: Any) -> None:
    out = run_fixture("mage_test_fail")
    assert out.result.status == "failed"
    error = out.report["blocks"]["totals"]["error"]
    assert "@test test_minimum failed: amount below 100" in error["message"]
    assert "totals.py" in error["traceback"]
    assert "assert output['amount'] >= minimum" in error["traceback"]
    assert error["line"] == 15  # the failing assert, not the kernel


def test_a_sensor_is_called_until_it_returns_true_and_downstream_waits(
    run_fixture: Any,
) -> None:
    store = _MemoryStore()
    out = run_fixture("mage_sensor", store=store)
    assert out.result.ok, out.result.error
    assert store.items["load_after"] == [{"checks_before_me": 3}]
    assert store.items["wait_for_file"] == []  # a sensor emits nothing, as in Mage


def test_a_sensor_that_never_holds_fails_after_its_timeout(run_fixture: Any) -> None:
    out = run_fixture("mage_sensor_timeout")
    assert out.result.status == "failed"
    error = out.report["blocks"]["never_ready"]["error"]
    assert "did not return True within 0.3 s" in error["message"]
    assert "sensor_timeout_s" in error["message"]
    assert out.phases("downstream") == {"downstream": "upstream_failed"}


def test_a_false_condition_skips_the_block_and_its_downstream(run_fixture: Any) -> None:
    store = _MemoryStore()
    out = run_fixture("mage_condition", store=store)
    assert out.result.ok, out.result.error  # the run still succeeds, as in Mage
    assert out.phases("big_orders") == {"big_orders": "skipped"}
    assert out.phases("report") == {"report": "skipped"}
    assert out.phases("audit") == {"audit": "succeeded"}
    assert store.items["audit"] == [2]
    reasons = {m.block: m.reason for m in out.sink.of_type("phase") if m.to == "skipped"}
    assert reasons == {"big_orders": "condition_failed", "report": "condition_failed"}


def test_a_true_condition_runs_the_block(run_fixture: Any) -> None:
    store = _MemoryStore()
    out = run_fixture("mage_condition", store=store, variables={"threshold": 10})
    assert out.result.ok, out.result.error
    assert store.items["big_orders"] == [[{"amount": 50}]]
    assert store.items["report"] == [1]


def test_callbacks_run_on_success_and_on_failure(run_fixture: Any, tmp_path: Path) -> None:
    record = tmp_path / "callbacks.jsonl"
    out = run_fixture("mage_callbacks", variables={"record_path": str(record)})
    assert out.result.status == "failed"  # `bad` raised
    assert out.phases("good") == {"good": "succeeded"}
    entries = [json.loads(line) for line in record.read_text().splitlines()]
    by_kind = {(e["kind"], e["block"]): e for e in entries}
    assert by_kind[("success", "good")]["data"] == [1, 2, 3]  # the block's input, as in Mage
    assert ("legacy_success", "good") in by_kind
    assert "ValueError('no numbers wanted')" in by_kind[("failure", "bad")]["error"]
    assert ("success", "bad") not in by_kind and ("failure", "good") not in by_kind


def test_secrets_come_from_the_environment_then_the_workspace_file_and_are_never_stored(
    run_fixture: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store.outputs import OutputStore

    token, password = "tok-3f9a1c77e2", "pw-b81d0e55aa"
    monkeypatch.setenv("SG_TEST_API_TOKEN", token)
    (workspace / ".sluicegate").mkdir(exist_ok=True)
    (workspace / ".sluicegate" / "secrets.yaml").write_text(
        f"SG_TEST_DB_PASSWORD: {password}\nSG_TEST_API_TOKEN: from-the-file\n"
    )
    root = workspace / ".sluicegate" / "runs"
    writer = OutputStore(root).start_run("secrets-run", {"pipeline": "mage_secrets"})
    out = run_fixture("mage_secrets", store=StoreAdapter(writer, budget_bytes=1 << 20))
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["connect"]["items_out"] == 1
    text = json.dumps(out.report, default=str) + repr(out.recorder.logs)
    for path in root.rglob("*"):
        if path.is_file():
            text += path.read_bytes().decode("utf-8", "replace")
    assert "connecting with a token of 14 characters" in repr(out.recorder.logs)
    assert f"[{len(token)},{len(password)},null]" in text  # the stored output is there
    assert token not in text and password not in text


def test_unsupported_mage_imports_and_broken_files_are_all_reported_before_the_run(
    workspace: Path,
) -> None:
    topology = load_pipeline(workspace, "mage_bad_imports")
    with pytest.raises(BlockLoadErrors) as caught:
        LocalKernel().run(topology)
    errors = {e.block: e for e in caught.value.errors}
    assert set(errors) == {"from_postgres", "reads_variable", "broken"}
    message = str(caught.value)
    assert "3 blocks cannot be loaded" in message
    postgres = errors["from_postgres"].message
    assert "block `from_postgres`: `from mage_ai.io.postgres import Postgres` is not available" in (
        postgres
    )
    assert "`from mage_ai.io.config import ConfigFileLoader`" in postgres
    assert "sqlalchemy" in postgres  # what to use instead
    assert errors["from_postgres"].line == 1
    assert "upstream block's output as a positional argument" in errors["reads_variable"].message
    assert "syntax error at line 2" in errors["broken"].message


def test_one_broken_block_is_its_own_error_with_its_line(workspace: Path) -> None:
    (workspace / "pipelines/mage_bad_imports/pipeline.yaml").write_text(
        "blocks: [{name: fine}, {name: broken}]\n"
    )
    with pytest.raises(BlockLoadError) as caught:
        LocalKernel().run(load_pipeline(workspace, "mage_bad_imports"))
    assert caught.value.block == "broken" and caught.value.line == 2


class _MemoryStore:
    """A RunStore that keeps every emitted item in memory, by block."""

    def __init__(self) -> None:
        self.items: dict[str, list[Any]] = {}

    def open(self, inst: Any) -> Any:
        return _MemoryWriter(self.items.setdefault(inst.block, []))

    def finish_run(self, status: str, report: dict[str, Any]) -> None:
        pass


class _MemoryWriter:
    def __init__(self, into: list[Any]) -> None:
        self.into = into

    def add(self, items: list[Any], nbytes: int, *, exact: bool, copy: Any = None) -> None:
        self.into.extend(items)

    def finish(self, status: str, error: dict[str, Any] | None = None) -> None:
        pass
