"""The one atomic-write helper: readers see the old file or the new one, never a half."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sluicegate.atomic import atomic_write_text


def test_writes_text_and_bytes_as_is_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "pipeline.yaml"
    atomic_write_text(target, "a: 1\r\n")
    assert target.read_bytes() == b"a: 1\r\n"
    atomic_write_text(target, b"\x00\x01", fsync=False)
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in target.parent.iterdir()] == ["pipeline.yaml"]


def test_keeps_the_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old")
    target.chmod(0o750)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o750


def test_writes_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def no_rename(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
