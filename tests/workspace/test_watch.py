"""Watching: an edit made in any editor reaches the browser within a second."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from sluicegate.workspace import (
    WorkspaceChange,
    WorkspaceEditor,
    WorkspaceTracker,
    watch_workspace,
)

ETL = Path("pipelines/etl")


def watch_while(
    root: Path,
    action: Callable[[], object],
    until: Callable[[WorkspaceChange], bool],
    *,
    timeout: float = 5.0,
) -> tuple[list[WorkspaceChange], float]:
    """Watch `root`, run `action`, and return the changes seen up to the one `until` accepts,
    with the seconds it took to arrive."""

    async def main() -> tuple[list[WorkspaceChange], float]:
        seen: list[WorkspaceChange] = []
        found, stop, ready = asyncio.Event(), asyncio.Event(), asyncio.Event()

        async def on_change(change: WorkspaceChange) -> None:
            seen.append(change)
            if until(change):
                found.set()

        task = asyncio.create_task(watch_workspace(root, on_change, stop_event=stop, ready=ready))
        try:
            await asyncio.wait_for(ready.wait(), 5)
            start = time.monotonic()
            action()
            await asyncio.wait_for(found.wait(), timeout)
            return seen, time.monotonic() - start
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)

    return asyncio.run(main())


def write(path: Path, text: str) -> None:
    with open(path, "w") as out:  # as any editor would, not atomically
        out.write(text)


def test_a_block_edit_arrives_within_a_second(workspace: Path) -> None:
    code = "@transformer\ndef transform(row, *args, **kwargs):\n    return row\n"
    seen, elapsed = watch_while(
        workspace, lambda: write(workspace / ETL / "clean.py", code), lambda c: c.code == code
    )
    change = seen[-1]
    assert elapsed < 1.0
    assert (change.pipeline, change.kind, change.block) == ("etl", "block", "clean")
    assert change.error is None and change.last_valid is None
    assert change.spec is not None and change.spec["blocks"]["clean"]["code"] == code


def test_a_block_with_a_syntax_error(workspace: Path) -> None:
    seen, _ = watch_while(
        workspace,
        lambda: write(workspace / ETL / "save_report.py", "def f(:\n"),
        lambda c: c.block == "report",
    )
    change = seen[-1]
    assert change.code == "def f(:\n"
    assert change.error is not None and change.error["line"] == 1
    assert change.error["block"] == "report"
    assert change.last_valid is not None
    assert "def f(:" not in change.last_valid["blocks"]["report"]["code"]


def test_a_yaml_syntax_error_comes_with_the_line_and_the_last_valid_spec(workspace: Path) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    good = yaml_file.read_text()
    broken = good.replace("mode: stream", "mode: [stream")
    seen, _ = watch_while(
        workspace, lambda: write(yaml_file, broken), lambda c: c.error is not None
    )
    change = seen[-1]
    assert (change.pipeline, change.kind, change.spec) == ("etl", "pipeline", None)
    assert change.error is not None and "invalid YAML" in change.error["message"]
    assert change.error["line"] == 4  # the unclosed `[` of line 3 is noticed on line 4
    assert change.error["where"] == "pipelines/etl/pipeline.yaml"
    assert change.last_valid is not None and change.last_valid["yaml"] == good
    assert change.last_valid["spec"]["variables"] == {"limit": 10}


def test_an_edge_to_an_unknown_block_names_it(workspace: Path) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    text = yaml_file.read_text().replace("config:", "  - {from: lod, to: report.raw}\nconfig:")
    seen, _ = watch_while(workspace, lambda: write(yaml_file, text), lambda c: c.error is not None)
    change = seen[-1]
    assert change.error is not None
    assert "unknown block 'lod'; did you mean 'load'?" in change.error["message"]
    assert change.error["field"] == "edges[2].from"
    assert change.spec is not None  # partly valid: the spec parses, the graph does not
    assert change.last_valid is not None and change.last_valid["error"] is None


def test_edits_through_the_editor_are_seen_too(workspace: Path) -> None:
    editor = WorkspaceEditor(workspace)
    seen, _ = watch_while(
        workspace,
        lambda: editor.add_block("etl", "audit", kind="data_exporter"),
        lambda c: c.spec is not None and "audit" in c.spec["blocks"],
    )
    assert seen[-1].kind == "pipeline" and seen[-1].error is None


def test_created_and_deleted_pipelines(workspace: Path) -> None:
    editor = WorkspaceEditor(workspace)
    seen, _ = watch_while(
        workspace, lambda: editor.create_pipeline("fresh"), lambda c: c.kind == "created"
    )
    assert seen[-1].pipeline == "fresh" and seen[-1].spec is not None
    seen, _ = watch_while(
        workspace, lambda: editor.delete_pipeline("etl"), lambda c: c.kind == "deleted"
    )
    assert seen[-1].pipeline == "etl" and seen[-1].spec is None


def test_swap_and_temporary_files_are_ignored(workspace: Path) -> None:
    def edit() -> None:
        write(workspace / ETL / ".clean.py.swp", "swap")
        write(workspace / ETL / "clean.py~", "backup")
        write(workspace / ETL / ".pipeline.yaml.abc.tmp", "half")
        (workspace / ".sluicegate").mkdir()
        write(workspace / ".sluicegate" / "x.py", "x = 1\n")
        write(workspace / ETL / "load.py", "x = 2\n")  # the only change that counts

    seen, _ = watch_while(workspace, edit, lambda c: c.block == "load")
    assert [(c.pipeline, c.kind, c.block) for c in seen] == [("etl", "block", "load")]


def test_a_spec_with_a_bad_setting_is_partly_valid(workspace: Path) -> None:
    tracker = WorkspaceTracker(workspace)
    yaml_file = workspace / ETL / "pipeline.yaml"
    write(
        yaml_file,
        yaml_file.read_text().replace("  - name: clean\n", "  - name: clean\n    dynamc: true\n"),
    )
    change = tracker.change("etl", {"pipeline.yaml"})
    assert change is not None and change.error is not None
    assert (
        "block 'clean', field 'dynamc': unknown setting; did you mean 'dynamic'?"
        in (change.error["message"])
    )
    assert change.error["line"] is not None
    assert change.spec is not None and list(change.spec["blocks"]) == ["load", "clean", "report"]
    assert change.last_valid is not None and change.last_valid["error"] is None


def test_a_file_no_block_uses_is_not_a_change(workspace: Path) -> None:
    tracker = WorkspaceTracker(workspace)
    write(workspace / ETL / "helpers.py", "X = 1\n")
    assert tracker.change("etl", {"helpers.py"}) is None
    assert tracker.change("nope", {"x.py"}) is None


def test_an_edit_of_a_mage_block_file_outside_the_pipeline_folder_arrives(
    tmp_path: Path,
) -> None:
    """A Mage project keeps block code in `transformers/` etc., not in the pipeline's folder:
    an edit there reaches every pipeline that uses the file; so does an edit of a pipeline's
    metadata.yaml."""
    root = tmp_path / "mage"
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "mage_project"
    shutil.copytree(fixture, root)
    code = root / "transformers" / "add_totals.py"
    edited = code.read_text() + "\n# edited in another editor\n"
    seen, elapsed = watch_while(
        root,
        lambda: write(code, edited),
        lambda c: c.pipeline == "etl_demo" and c.kind == "block",
    )
    change = seen[-1]
    assert change.block == "add_totals" and change.code == edited
    assert elapsed < 3

    metadata = root / "pipelines" / "etl_demo" / "metadata.yaml"
    seen, _ = watch_while(
        root,
        lambda: write(metadata, metadata.read_text() + "\n"),
        lambda c: c.pipeline == "etl_demo" and c.kind == "pipeline",
    )
    assert seen[-1].spec is not None
