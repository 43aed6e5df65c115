"""The run's log, kernel tier: `print()`, sys.stderr, `logger` and the `logging` module of every
block run and child land in the run's stored log tagged with the block run, bounded per block
run with a note of what was not kept."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from tests.kernel.conftest import Outcome

from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore
from sluicegate.store.logs import read_log

MB = 1 << 20


def _run_stored(run_fixture: Any, tmp_path: Path, **variables: Any) -> tuple[Outcome, Path]:
    store = OutputStore(tmp_path / "runs")
    run_id = f"logs-{len(list((tmp_path).glob('runs/*')))}"
    writer = store.start_run(run_id, {"pipeline": "logs"})
    outcome = run_fixture("logs", variables=variables, store=StoreAdapter(writer, 64 * MB))
    return outcome, tmp_path / "runs" / run_id


def _texts(run_dir: Path, **query: Any) -> list[tuple[str, str, str]]:
    lines, _ = read_log(run_dir, limit=2000, **query)
    return [(line["uuid"], line["level"], line["text"]) for line in lines]


def test_print_stderr_logger_and_logging_of_a_block_run_are_in_its_log(
    run_fixture: Any, tmp_path: Path
) -> None:
    outcome, run_dir = _run_stored(run_fixture, tmp_path)

    assert outcome.result.ok, outcome.result.error
    assert _texts(run_dir, uuid="S") == [
        ("S", "STDOUT", "hello from S"),
        ("S", "STDERR", "S to stderr"),
        ("S", "INFO", "S made 3 items"),
        ("S", "WARNING", "a warning from the logging module"),
        ("S", "STDOUT", "no newline at the end"),  # kept when the block run ended
    ]


def test_children_running_at_once_each_get_their_own_lines(
    run_fixture: Any, tmp_path: Path
) -> None:
    outcome, run_dir = _run_stored(run_fixture, tmp_path)

    for i in range(3):
        assert _texts(run_dir, uuid=f"B:{i}") == [
            (f"B:{i}", "STDOUT", f"child sees {i + 1}"),
            (f"B:{i}", "WARNING", f"child {i + 1} warns"),
        ]
    assert len(_texts(run_dir, block="B")) == 6
    assert len(_texts(run_dir)) == 11
    hooked = [(uuid, message) for uuid, message in outcome.recorder.logs]
    assert ("B:1", "child sees 2") in hooked and len(hooked) == 11, "hooks get every line"


def test_a_block_printing_100_mb_keeps_a_bounded_log_ending_with_a_note(
    run_fixture: Any, tmp_path: Path
) -> None:
    started = time.perf_counter()
    outcome, run_dir = _run_stored(run_fixture, tmp_path, flood=100 * MB)
    took = time.perf_counter() - started

    assert outcome.result.ok, outcome.result.error
    assert took < 60, f"100 MB of print() took {took:.1f}s (about 2 s measured)"
    _, total = read_log(run_dir, uuid="F:0", offset=0, limit=1)
    assert total == 10_001  # log_max_lines, then the note
    note = read_log(run_dir, uuid="F:0", offset=10_000, limit=1)[0][0]
    assert note["level"] == "WARNING"
    assert note["text"].startswith("… ")
    written = (100 * MB // 100) * 99 + 1000  # lines of 99 x (newlines are not counted), 1000 y
    assert note["text"].startswith(f"… {written - 10_000 * 99} more bytes not kept")
    assert (run_dir / "log.jsonl").stat().st_size < 4 * MB
    assert _texts(run_dir, uuid="F:1") == [], "the other children printed nothing"


def test_log_max_bytes_cuts_a_long_line_and_notes_the_rest(
    run_fixture: Any, tmp_path: Path, workspace: Path
) -> None:
    yaml = workspace / "pipelines" / "logs" / "pipeline.yaml"
    yaml.write_text(yaml.read_text() + "settings: {log_max_bytes: 1000}\n")

    outcome, run_dir = _run_stored(run_fixture, tmp_path, flood=5000)

    assert outcome.result.ok, outcome.result.error
    lines, _ = read_log(run_dir, uuid="F:0", limit=100)
    kept = sum(len(line["text"]) for line in lines[:-1])
    assert kept == 1000
    written = 50 * 99 + 1000  # 50 lines of 99 x, then 1000 y
    assert lines[-1]["text"].startswith(f"… {written - 1000} more bytes not kept")


def test_output_of_other_threads_and_kernel_records_are_left_alone(
    run_fixture: Any, tmp_path: Path, caplog: Any
) -> None:
    stdout, stderr = sys.stdout, sys.stderr
    with caplog.at_level(logging.WARNING):
        _, run_dir = _run_stored(run_fixture, tmp_path)

    assert (sys.stdout, sys.stderr) == (stdout, stderr), "restored after the run"
    assert not any(
        isinstance(h, logging.Handler) and "Router" in type(h).__name__
        for h in logging.getLogger().handlers
    )
    assert all(not line[2].startswith("sluicegate") for line in _texts(run_dir))
    # a record from user code still reaches the handlers configured outside the run
    assert "a warning from the logging module" in caplog.text
