"""Docs a newcomer can follow (STYLE 12): every pipeline setting is documented.

Every key of the saved spec models in `sluicegate.graph.spec` (pipeline, workspace, block,
edge, port settings, run settings, config rule and its selector) must appear in README.md's
"Pipeline settings" section written as `key`. Adding a setting without documenting it
fails here.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from sluicegate.graph import spec
from sluicegate.graph.topology import RunSettings

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "Pipeline settings"


def readme_section(heading: str) -> str:
    """The text of the `## heading` section of README.md, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.find(f"\n## {heading}\n")
    assert start != -1, f"README.md has no '## {heading}' section"
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation refers to, through unions, lists, dicts, Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from models_in(arg)


def spec_models() -> list[type[BaseModel]]:
    """Every public model of the spec module, and every model reachable from their fields.

    Private bases (`_EdgeEnds`) are covered through the public models that inherit them.
    """
    todo: list[type[BaseModel]] = [
        value
        for name, value in vars(spec).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == spec.__name__
        and not name.startswith("_")
    ]
    seen: dict[type[BaseModel], None] = {}
    while todo:
        model = todo.pop(0)
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            todo.extend(models_in(field.annotation))
    return list(seen)


def spec_keys() -> list[tuple[str, str]]:
    """(model, key as written in YAML) for every field of every spec model."""
    keys = {
        (model.__name__, field.alias or name)
        for model in spec_models()
        for name, field in model.model_fields.items()
    }
    return sorted(keys)


def test_the_walk_reaches_every_part_of_the_spec() -> None:
    names = {model.__name__ for model in spec_models()}
    assert {"PipelineSpec", "WorkspaceSpec", "BlockSpec", "EdgeSpec", "PortSettings"} <= names
    assert {"RunSettingsSpec", "ConfigRule", "ApplyToSelector"} <= names


@pytest.mark.parametrize(("model", "key"), spec_keys(), ids=lambda v: str(v))
def test_every_pipeline_setting_is_documented(model: str, key: str) -> None:
    assert f"`{key}`" in readme_section(SECTION), (
        f"`{key}` ({model} in sluicegate/graph/spec.py) is not documented: add it to the "
        f"table for {model} in README.md's '{SECTION}' section, written as `{key}`"
    )


@pytest.mark.parametrize("key", [f.name for f in dataclasses.fields(RunSettings)])
def test_every_run_setting_is_documented(key: str) -> None:
    assert f"`{key}`" in readme_section(SECTION), (
        f"run setting `{key}` (RunSettings in sluicegate/graph/topology.py) is not "
        f"documented: add it to README.md's '{SECTION}' section, written as `{key}`"
    )


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text
