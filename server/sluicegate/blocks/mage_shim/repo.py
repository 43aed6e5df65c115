"""`mage_ai.settings.repo`: `get_repo_path()` is the workspace root (Mage's project folder)."""

from __future__ import annotations

import os
from typing import Any

from sluicegate.blocks.mage_shim import state


def get_repo_path(*args: Any, **kwargs: Any) -> str:
    """The workspace root as an absolute path; Mage's arguments are accepted and ignored."""
    if state.workspace is not None:
        return str(state.workspace)
    return os.getcwd()


__all__ = ["get_repo_path"]
