"""On a terminal, `sluicegate run` draws a live table of blocks and edges."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run_on_a_terminal(cli: Cli, *args: str | Path) -> tuple[int, str]:
    import pty

    master, slave = pty.openpty()
    env = {**cli.env(), "COLUMNS": "120", "LINES": "50", "TERM": "xterm-256color"}
    proc = subprocess.Popen(cli.command(*args), stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode(errors="replace")


def test_live_display_shows_blocks_edges_and_children(cli: Cli, examples: Path) -> None:
    code, screen = _run_on_a_terminal(
        cli, "run", examples, "seed_stream", "--var", "a_sleep=0.1", "--no-store"
    )

    assert code == 0, screen
    assert "\x1b[" in screen  # colours and cursor moves
    text = ANSI_CODE.sub("", screen)
    for heading in ("block", "state", "children", "edge", "fill", "through", "spilled"):
        assert heading in text
    assert "SUCCEEDED" in text
    assert "100/100 final" in text  # D's children, with the count marked final
    assert re.search(r"B\.out->C\.B\s+\S+ \d+/\d+\s", text), text  # bar, items/capacity
    assert re.search(r"run id: seed_stream-\S+", text)
