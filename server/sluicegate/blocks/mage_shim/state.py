"""What the `mage_ai` shim knows about the code it serves: the workspace of the pipeline
being loaded or run, and the block whose file is being executed on this thread."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

workspace: Path | None = None
"""The workspace root of the pipeline the kernel loaded last (`get_repo_path()`, secrets)."""

loading = threading.local()
"""`loading.block` / `loading.registry`: the block file executing on this thread, if any."""


def block_name() -> str | None:
    """The block whose code runs on this thread: the file being loaded, else the block run
    the kernel's driver marked (`sluicegate.kernel.context.current`), else None."""
    name = getattr(loading, "block", None)
    if name:
        return str(name)
    context = sys.modules.get("sluicegate.kernel.context")
    current: Any = getattr(context, "current", None)
    block = getattr(current, "block", None)
    return str(block) if block else None
