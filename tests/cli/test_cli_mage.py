"""`sluicegate run` on a Mage project, the warnings it prints, where its run data goes, and
`sluicegate import-mage` in place and into a new folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mage_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "demo_project"
    shutil.copytree(FIXTURE, target)
    return target


def files(root: Path) -> set[str]:
    """Every file and folder under `root` (byte-code caches too: none may appear in Mage's
    folders)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def report_of(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text())
    return data


def test_run_a_mage_pipeline_where_it_is_with_run_data_in_dot_sluicegate(
    cli: Cli, project: Path, tmp_path: Path
) -> None:
    before = files(project)
    result = cli.run("run", project, "etl_demo", "--report", tmp_path / "report.json")
    assert result.returncode == 0, result.stderr
    assert "run etl_demo-" in result.stdout and "succeeded" in result.stdout
    assert "warning: Mage pipeline 'etl_demo': triggers.yaml" in result.stderr
    created = files(project) - before
    assert created and all(f.split("/")[0] == ".sluicegate" for f in created), sorted(created)
    assert any(f.startswith(".sluicegate/runs/etl_demo-") for f in created)
    assert files(project) >= before  # nothing of Mage's was removed
    report = report_of(tmp_path / "report.json")
    assert report["status"] == "succeeded"


def test_unmappable_blocks_are_warnings_and_the_rest_runs(cli: Cli, project: Path) -> None:
    result = cli.run("run", project, "with_sql")
    assert result.returncode == 0, result.stderr
    for block in ("sql_totals", "r_summary", "export_totals"):
        assert f"warning: Mage block {block!r}" in result.stderr
    assert "count_rows" in result.stdout and "sql_totals" not in result.stdout


def test_an_unknown_pipeline_lists_the_mage_pipelines(cli: Cli, project: Path) -> None:
    result = cli.run("run", project, "etl")
    assert result.returncode == 2
    assert "has no pipeline.yaml or metadata.yaml" in result.stderr
    assert "etl_demo" in result.stderr and "dynamic_list" in result.stderr


def test_a_plan_error_names_metadata_yaml_and_the_block(cli: Cli, project: Path) -> None:
    (project / "transformers" / "add_totals.py").unlink()
    result = cli.run("run", project, "etl_demo")
    assert result.returncode == 2
    assert "pipelines/etl_demo/metadata.yaml" in result.stderr
    assert "block 'add_totals'" in result.stderr and "transformers/add_totals.py" in result.stderr


def test_import_in_place_references_the_same_code(cli: Cli, project: Path) -> None:
    result = cli.run("import-mage", project, project)
    assert result.returncode == 0, result.stderr
    assert "imported 8 pipelines" in result.stdout and "left in place" in result.stdout
    assert "warning: etl_demo: overrides for prod not imported" in result.stdout
    text = (project / "pipelines" / "etl_demo" / "pipeline.yaml").read_text()
    assert "file: ../../transformers/add_totals.py" in text
    assert (project / "pipelines" / "etl_demo" / "metadata.yaml").is_file()  # Mage's, untouched
    (project / "transformers" / "add_totals.py").write_text(
        "@transformer\ndef transform(data, *args, **kwargs):\n    raise ValueError('same file')\n"
    )
    run = cli.run("run", project, "etl_demo")
    assert run.returncode == 1 and "same file" in run.stderr
    again = cli.run("import-mage", project, project)
    assert again.returncode == 0 and "nothing to import" in again.stdout


def test_import_into_a_new_folder_copies_the_project_and_runs_there(
    cli: Cli, project: Path, tmp_path: Path
) -> None:
    cli.run("run", project, "replicated")  # run data is not copied
    target = tmp_path / "sluicegate_ws"
    result = cli.run("import-mage", project, target)
    assert result.returncode == 0, result.stderr
    assert "copied to" in result.stdout
    copied = files(target)
    assert "utils/helpers.py" in copied and "io_config.yaml" in copied
    assert "transformers/double_it.py" in copied
    assert "metadata.yaml" not in copied and "pipelines/etl_demo/metadata.yaml" not in copied
    assert not any(f.startswith(".sluicegate") for f in copied)
    assert "pipelines/replicated/pipeline.yaml" in copied
    run = cli.run("run", target, "etl_demo", "--report", tmp_path / "r.json")
    assert run.returncode == 0, run.stderr
    blocks = report_of(tmp_path / "r.json")["blocks"]
    assert isinstance(blocks, dict) and set(blocks) >= {"load_orders", "export_summary"}


@pytest.mark.parametrize("where", ["inside", "holding", "not_empty", "not_mage"])
def test_import_refuses_a_folder_it_cannot_use(
    cli: Cli, project: Path, tmp_path: Path, where: str
) -> None:
    target = {
        "inside": project / "sluicegate",
        "holding": tmp_path,
        "not_empty": tmp_path / "busy",
        "not_mage": tmp_path / "new",
    }[where]
    if where == "not_empty":
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    source = tmp_path / "nothing" if where == "not_mage" else project
    if where == "not_mage":
        source.mkdir()
    result = cli.run("import-mage", source, target)
    assert result.returncode == 2
    expected = {
        "inside": "is inside the Mage project",
        "holding": "holds the Mage project",
        "not_empty": "is not an empty folder",
        "not_mage": "is not a Mage project",
    }[where]
    assert expected in result.stderr
    assert not list(project.rglob("pipeline.yaml"))
