"""Store tests: make `sluicegate` importable from a checkout that was not pip-installed."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"
if importlib.util.find_spec("sluicegate") is None:
    sys.path.insert(0, str(SERVER))

from sluicegate.store import OutputStore  # noqa: E402


@pytest.fixture
def store(tmp_path: Path) -> OutputStore:
    return OutputStore(tmp_path / "outputs")


@pytest.fixture
def subprocess_env() -> dict[str, str]:
    """Environment for a child Python that imports sluicegate the same way."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SERVER), env.get("PYTHONPATH", "")])
    return env
