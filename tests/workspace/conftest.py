"""Workspace tests: an editor on a copy of tests/fixtures/edit_ws, and a fingerprint of the
files, to show that a refused change leaves every byte as it was."""

from __future__ import annotations

import hashlib
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


def fingerprint(root: Path) -> str:
    """A hash of every file under `root`: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
