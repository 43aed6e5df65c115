"""Graph tests: make `sluicegate` importable, and write small pipelines into a workspace."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

SERVER = Path(__file__).resolve().parents[2] / "server"
if importlib.util.find_spec("sluicegate") is None:
    sys.path.insert(0, str(SERVER))

from sluicegate.errors import PlanError  # noqa: E402
from sluicegate.graph.build import load_pipeline  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "graph_workspace"

MakePipeline = Callable[..., Path]


@pytest.fixture
def examples() -> Path:
    """A workspace of example pipelines (tests/fixtures/graph_workspace); do not write to it."""
    return EXAMPLES


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def make_pipeline(workspace: Path) -> MakePipeline:
    """Write `pipelines/<name>/pipeline.yaml` and an empty block file for every block named.

    `missing` lists block files not to create.
    """

    def make(text: str, name: str = "p", missing: tuple[str, ...] = ()) -> Path:
        folder = workspace / "pipelines" / name
        folder.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(text)
        (folder / "pipeline.yaml").write_text(text, encoding="utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return folder
        blocks = data.get("blocks") if isinstance(data, dict) else None
        for block in blocks if isinstance(blocks, list) else []:
            if isinstance(block, dict) and isinstance(block.get("name"), str):
                file = block.get("file") or f"{block['name']}.py"
                if block["name"] not in missing and "/" not in block["name"]:
                    (folder / file).parent.mkdir(parents=True, exist_ok=True)
                    (folder / file).write_text("def f(*args, **kwargs):\n    return 1\n")
        return folder

    return make


@pytest.fixture
def plan_error(workspace: Path, make_pipeline: MakePipeline) -> Callable[..., PlanError]:
    """Write a pipeline and return the PlanError loading it raises."""

    def load(text: str, name: str = "p", missing: tuple[str, ...] = ()) -> PlanError:
        make_pipeline(text, name=name, missing=missing)
        with pytest.raises(PlanError) as info:
            load_pipeline(workspace, name, environ={})
        return info.value

    return load
