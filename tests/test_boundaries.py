"""Layer boundaries (STYLE 3): the kernel side never loads the server's dependencies.

Each kernel-side module is imported in a fresh interpreter, whose `sys.modules` is then
checked, so that an import made by another test cannot hide or fake a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[1] / "server"

KERNEL_SIDE = (
    "sluicegate.kernel.api",
    "sluicegate.kernel.run",
    "sluicegate.graph.build",
    "sluicegate.blocks",
    "sluicegate.kernel_process",
    "sluicegate.kernel_process.main",
)
SERVER_SIDE = (
    "fastapi",
    "sqlmodel",
    "sqlalchemy",
    "starlette",
    "sluicegate.web",
    "sluicegate.session",
)

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(module: str) -> list[str]:
    """Every module in `sys.modules` after importing `module` in a new interpreter."""
    path = os.pathsep.join(p for p in (str(SERVER), os.environ.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"importing {module} failed:\n{done.stderr}"
    names: list[str] = json.loads(done.stdout.splitlines()[-1])
    return names


@pytest.mark.parametrize("module", KERNEL_SIDE)
def test_kernel_side_does_not_load_server_modules(module: str) -> None:
    loaded = loaded_modules(module)
    assert module in loaded
    leaked = sorted(
        name
        for name in loaded
        if any(name == bad or name.startswith(f"{bad}.") for bad in SERVER_SIDE)
    )
    assert not leaked, (
        f"importing {module} loaded {', '.join(leaked)}; the kernel must not depend on the "
        "server (STYLE 3): move that import into sluicegate.session or sluicegate.web, or "
        "import it inside the function that needs it"
    )
