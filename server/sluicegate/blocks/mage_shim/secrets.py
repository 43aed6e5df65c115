"""`mage_ai.data_preparation.shared.secrets`: `get_secret_value(name)`.

A secret is looked up in the environment first (`NAME=value`), then in the workspace's
`.sluicegate/secrets.yaml`, a mapping of names to values (the `.sluicegate/` folder is
never committed). As in Mage, a secret that is nowhere gives None. Values are never logged,
and an unreadable file is reported without quoting any of it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sluicegate.blocks.mage_shim import state
from sluicegate.errors import PlanError
from sluicegate.graph.yaml_safe import read_yaml_file

SECRETS_FILE = ".sluicegate/secrets.yaml"


def get_secret_value(name: str, *args: Any, **kwargs: Any) -> str | None:
    """The secret `name`: environment variable, else `.sluicegate/secrets.yaml`, else None.
    Mage's `entity`, `pipeline_uuid`, `project_uuid` and `repo_name` are accepted and
    ignored (one set of secrets per workspace)."""
    value = os.environ.get(name)
    if value is not None:
        return value
    return secrets_in_file(state.workspace).get(name)


def secrets_in_file(workspace: Path | None) -> dict[str, str]:
    """The mapping in `<workspace>/.sluicegate/secrets.yaml`, values as strings ({} if none)."""
    if workspace is None:
        return {}
    path = workspace / SECRETS_FILE
    if not path.is_file():
        return {}
    try:
        data = read_yaml_file(path, SECRETS_FILE)
    except PlanError:  # its message may quote the file: say only where it is
        raise PlanError(
            "the secrets file is not valid YAML; write one `NAME: value` line per secret",
            where=SECRETS_FILE,
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PlanError(
            "the secrets file must hold a mapping, one `NAME: value` line per secret",
            where=SECRETS_FILE,
        )
    return {str(k): str(v) for k, v in data.items() if v is not None}


__all__ = ["get_secret_value"]
