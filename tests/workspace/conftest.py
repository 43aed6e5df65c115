"""Workspace tests: an editor on a copy of tests/fixtures/edit_ws (helpers in workspace_helpers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sluicegate.workspace import WorkspaceEditor

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "edit_ws"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the fixture workspace: pipeline `etl` with blocks load -> clean -> report."""
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    (root / "transforms").mkdir(parents=True)
    (root / "transforms" / "double.py").write_text(
        "@transformer\ndef double(row, *args, **kwargs):\n    return row * 2\n"
    )
    return root


@pytest.fixture
def editor(workspace: Path, library: Path) -> WorkspaceEditor:
    return WorkspaceEditor(workspace, library=library)
