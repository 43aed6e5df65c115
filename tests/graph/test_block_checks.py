"""Every block file is checked before a run, without running it, and each problem is
reported on its own block (what `/validate` shows); the `mage_ai` shim's import rules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sluicegate.blocks.mage_imports import mage_import_problems
from sluicegate.graph.build import check_pipeline

FIXTURES = Path(__file__).parents[1] / "fixtures" / "kernel_ws"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(FIXTURES, target)
    return target


def test_validate_reports_every_broken_block_at_once(workspace: Path) -> None:
    errors, _ = check_pipeline(workspace, "mage_bad_imports")
    by_block = {e.block: e for e in errors}
    assert set(by_block) == {"from_postgres", "reads_variable", "broken"}
    assert "`from mage_ai.io.postgres import Postgres` is not available in Sluicegate" in str(
        by_block["from_postgres"]
    )
    assert by_block["from_postgres"].where == "pipelines/mage_bad_imports/from_postgres.py"
    assert "syntax error at line 2" in by_block["broken"].message


def test_a_pipeline_whose_blocks_are_fine_has_no_errors(workspace: Path) -> None:
    assert check_pipeline(workspace, "mage_condition")[0] == []


def test_supported_imports_pass_and_unknown_names_are_named() -> None:
    ok = (
        "from mage_ai.data_preparation.decorators import data_loader, test\n"
        "from mage_ai.data_preparation.shared.secrets import get_secret_value\n"
        "from mage_ai.settings.repo import get_repo_path\n"
    )
    assert mage_import_problems(ok, "b") == []
    bad = "from mage_ai.settings.repo import (\n    get_repo_path,\n    get_data_dir,\n)\n"
    [problem] = mage_import_problems(bad, "b")
    assert problem.line == 1
    assert "has no `get_data_dir`" in problem.message and "`get_repo_path`" in problem.message


def _python(code: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    env_path = ":".join([str(Path(__file__).parents[2] / "server"), *map(str, paths)])
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )


def test_the_shim_serves_mage_imports_and_refuses_the_others_naming_the_block() -> None:
    code = (
        "from sluicegate.blocks import mage_shim\n"
        "from sluicegate.blocks.mage_shim import state\n"
        "mage_shim.install()\n"
        "from mage_ai.settings.repo import get_repo_path\n"
        "from mage_ai.data_preparation.decorators import transformer\n"
        "assert transformer(len) is len\n"
        "state.loading.block = 'load'\n"
        "try:\n"
        "    from mage_ai.io.postgres import Postgres\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert "block `load`: `import mage_ai.io` is not available in Sluicegate" in done.stdout
    assert "sqlalchemy" in done.stdout


def test_a_real_mage_installation_is_never_shadowed(tmp_path: Path) -> None:
    real = tmp_path / "site" / "mage_ai"
    (real / "io").mkdir(parents=True)
    (real / "__init__.py").write_text("REAL = True\n")
    (real / "io" / "__init__.py").write_text("")
    (real / "io" / "postgres.py").write_text("class Postgres:\n    real = True\n")
    code = (
        "from sluicegate.blocks import mage_shim\n"
        "from sluicegate.blocks.mage_imports import mage_import_problems\n"
        "mage_shim.install()\n"
        "print(mage_import_problems('from mage_ai.io.postgres import Postgres', 'b'))\n"
        "import mage_ai\n"
        "from mage_ai.io.postgres import Postgres\n"
        "print(mage_ai.REAL, Postgres.real)\n"
    )
    done = _python(code, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True", "True"]
