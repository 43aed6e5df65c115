"""`sluicegate serve` with no workspace: the user's copy of the examples in the user data
folder ($XDG_DATA_HOME/sluicegate/examples). The first-use copy and the served page are
tested from the installed wheel (tests/packaging/test_wheel.py); here, what a checkout shows."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def test_a_stray_folder_where_the_copy_goes_is_left_alone(cli: Cli, tmp_path: Path) -> None:
    stray = tmp_path / "xdg" / "sluicegate" / "examples"
    stray.mkdir(parents=True)
    (stray / "notes.txt").write_text("mine")

    result = subprocess.run(
        cli.command("serve", "--port", "1"),
        env=cli.env() | {"XDG_DATA_HOME": str(tmp_path / "xdg")},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert f"error: {stray} exists but is not a workspace" in result.stderr
    assert sorted(p.name for p in stray.iterdir()) == ["notes.txt"]


def test_help_says_where_the_examples_are_served_from(cli: Cli) -> None:
    text = " ".join(cli.run("serve", "--help").stdout.split())

    assert "$XDG_DATA_HOME/sluicegate/examples" in text and "first use" in text
