"""Opening a Mage project as it is: detect Mage's layout, read `pipelines/<uuid>/metadata.yaml`.

    if is_mage_pipeline(root, "etl_demo"):
        mage = read_mage_spec(root, "etl_demo")     # MageSpec(spec, warnings, sources)

A Mage project has a `metadata.yaml` at its root and one folder per pipeline under
`pipelines/`, each with its own `metadata.yaml`; block code lives in the project's
`data_loaders/`, `transformers/`, `data_exporters/`, `custom/`, `sensors/` ... folders. A
pipeline folder that also holds a `pipeline.yaml` (written by `sluicegate import-mage`) is a
Sluicegate pipeline: that file wins.

The pipeline's metadata is converted into the same `PipelineSpec` a `pipeline.yaml` holds,
with each block's `file:` pointing at its code where it is (relative to the pipeline folder,
so `../../data_loaders/load.py`). What Sluicegate cannot run (SQL, R and YAML blocks, dbt,
data integration and streaming pipelines, executors, triggers, retries ...) becomes a
`LintWarning` with code `mage` naming the block, never an error; blocks downstream of a block
that is left out are left out too, with a warning that says why. Problems that Mage itself
would fail on (no such upstream block, a missing code file) are `PlanError`s that name
`pipelines/<uuid>/metadata.yaml` and the block. The mapping of every key: `graph.mage_blocks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.errors import PlanError
from sluicegate.graph.confine import PathRefused, is_file, resolve_inside
from sluicegate.graph.loading import as_mapping, parse_model, read_yaml
from sluicegate.graph.mage_blocks import convert_pipeline
from sluicegate.graph.spec import MAX_NAME, PIPELINE_NAME, PipelineSpec, check_pipeline_name
from sluicegate.graph.topology import LintWarning

MAGE_FILE = "metadata.yaml"
PIPELINES = "pipelines"
SLUICEGATE_FILE = "pipeline.yaml"
ENV_VAR = "ENV"  # Mage's environment name (dev, prod, staging, test), picks `overrides:`
MAGE_REFUSAL = (
    "this is a Mage project; edit metadata.yaml in Mage or import it with `sluicegate import-mage`"
)


@dataclass(frozen=True)
class MageSpec:
    """A Mage pipeline converted: the spec, what could not be mapped, and where blocks came
    from (block name -> Mage uuid, for blocks whose uuid is not a valid block name)."""

    spec: PipelineSpec
    warnings: tuple[LintWarning, ...]
    uuids: dict[str, str]


def is_mage_project(root: Path) -> bool:
    """Whether `root` has Mage's layout: a `metadata.yaml` beside a `pipelines/` folder."""
    try:
        return is_file(root / MAGE_FILE) and (root / PIPELINES).is_dir()
    except OSError:
        return False


def mage_pipeline_file(name: str) -> str:
    """`pipelines/<name>/metadata.yaml`, the `where` of a Mage pipeline's errors."""
    try:
        check_pipeline_name(name)
    except ValueError as exc:
        raise PlanError(str(exc), where=PIPELINES, field="name") from None
    return f"{PIPELINES}/{name}/{MAGE_FILE}"


def is_mage_pipeline(root: Path, name: str) -> bool:
    """Whether pipeline `name` of `root` is read from Mage's metadata.yaml (no pipeline.yaml)."""
    if len(name) > MAX_NAME or not PIPELINE_NAME.fullmatch(name) or not is_mage_project(root):
        return False
    folder = root / PIPELINES / name
    return is_file(folder / MAGE_FILE) and not is_file(folder / SLUICEGATE_FILE)


def list_mage_pipelines(root: Path) -> list[str]:
    """The Mage pipelines of `root` (none unless it is a Mage project), sorted."""
    if not is_mage_project(root):
        return []
    return sorted(p.name for p in (root / PIPELINES).iterdir() if is_mage_pipeline(root, p.name))


def read_mage_metadata(root: Path, name: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The pipeline's metadata.yaml as a mapping, with `overrides.<ENV>` applied (Mage's
    per-environment settings: each key given there replaces the key of the base config)."""
    where = mage_pipeline_file(name)
    try:
        path = resolve_inside(root, root / where)
    except PathRefused as exc:
        raise PlanError(f"{MAGE_FILE} {exc}", where=where) from None
    data = dict(read_yaml(path, where))
    overrides = as_mapping(data.pop("overrides", None), f"{where} (overrides)")
    env = environ.get(ENV_VAR, "").strip()
    if env and env in overrides:
        data.update(as_mapping(overrides[env], f"{where} (overrides.{env})"))
    return data


def read_mage_spec(root: Path, name: str, environ: Mapping[str, str]) -> MageSpec:
    """Convert pipeline `name` of the Mage project `root` (see the module docstring)."""
    where = mage_pipeline_file(name)
    data = read_mage_metadata(root, name, environ)
    converted = convert_pipeline(data, root=root.resolve(), name=name, where=where)
    spec = parse_model(PipelineSpec, converted.spec, where)
    return MageSpec(spec, tuple(converted.warnings), converted.uuids)
