"""Loading a pipeline from a workspace into the runtime `Topology` the kernel runs.

    topology = load_pipeline(workspace, "seed_stream")
    topology = with_mode(topology, "batch")   # a run in another mode

Problems raise `PlanError` (`where` is the file relative to the workspace); a pipeline that
does not exist raises `NotFound`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound, PlanError
from sluicegate.graph.addons import ADDON_KEYS, addon_files
from sluicegate.graph.confine import PathRefused, is_file, resolve_inside
from sluicegate.graph.lint import lint
from sluicegate.graph.loading import parse_model, read_yaml
from sluicegate.graph.mage_project import (
    MAGE_FILE,
    is_mage_pipeline,
    is_mage_project,
    mage_pipeline_file,
    read_mage_spec,
)
from sluicegate.graph.replication import replicate
from sluicegate.graph.settings import base_layers, env_max_children, port_config, run_settings
from sluicegate.graph.sources import Files
from sluicegate.graph.spec import BlockSpec, PipelineSpec, WorkspaceSpec, check_pipeline_name
from sluicegate.graph.topology import BlockNode, EdgeNode, LintWarning, Topology
from sluicegate.graph.validate import Graph, check_spec

PIPELINES = "pipelines"
PIPELINE_FILE = "pipeline.yaml"
WORKSPACE_FILE = "sluicegate.yaml"

# BlockSpec fields copied to BlockNode as they are; the others are resolved in `_block_node`.
_COPIED = frozenset(f.name for f in dataclasses.fields(BlockNode)) & set(BlockSpec.model_fields)
_COPIED -= {"name", "inputs", "keep_outputs", "max_children", *ADDON_KEYS}


def pipeline_file(name: str) -> str:
    """`pipelines/<name>/pipeline.yaml`, the `where` of a pipeline's errors."""
    try:
        check_pipeline_name(name)
    except ValueError as exc:
        raise PlanError(str(exc), where=PIPELINES, field="name") from None
    return f"{PIPELINES}/{name}/{PIPELINE_FILE}"


def read_pipeline_spec(
    workspace: Path, name: str, *, environ: Mapping[str, str] | None = None
) -> PipelineSpec:
    """The validated-by-schema spec of one pipeline (no checks across blocks and edges); a
    Mage pipeline's metadata.yaml converted (`graph.mage_project`)."""
    if is_mage_pipeline(workspace, name):
        return read_mage_spec(workspace, name, os.environ if environ is None else environ).spec
    where = pipeline_file(name)
    path = workspace / where
    if not is_file(path):
        files = f"{PIPELINE_FILE} or {MAGE_FILE}" if is_mage_project(workspace) else PIPELINE_FILE
        raise NotFound(
            f"pipeline {name!r} not found: {workspace / PIPELINES / name} has no {files}; "
            "create it or pick an existing pipeline"
        )
    return parse_model(PipelineSpec, read_yaml(confined(workspace, path, where), where), where)


def read_workspace_spec(workspace: Path) -> WorkspaceSpec:
    """The workspace's `sluicegate.yaml`, or the defaults when there is none."""
    path = workspace / WORKSPACE_FILE
    if not is_file(path):
        return WorkspaceSpec()
    path = confined(workspace, path, WORKSPACE_FILE)
    return parse_model(WorkspaceSpec, read_yaml(path, WORKSPACE_FILE), WORKSPACE_FILE)


def confined(workspace: Path, path: Path, where: str) -> Path:
    """`path` resolved (symlinks followed); a PlanError naming `where` if it leaves `workspace`."""
    try:
        return resolve_inside(workspace, path)
    except PathRefused as exc:
        raise PlanError(f"{path.name} {exc}", where=where) from None


def load_pipeline(
    workspace: Path,
    name: str,
    *,
    environ: Mapping[str, str] | None = None,
    spec: PipelineSpec | None = None,
    files: Files | None = None,
) -> Topology:
    """Read, check and resolve pipeline `name` of `workspace` (a Mage pipeline's warnings,
    for what could not be mapped, come first in `warnings`). Given a `spec`, that spec is
    planned as pipeline `name` instead, block files looked up in `files` (`graph.sources`):
    how the editor checks a change before it writes anything."""
    environ = os.environ if environ is None else environ
    mage = None
    if spec is None and is_mage_pipeline(workspace, name):
        mage = read_mage_spec(workspace, name, environ)
    if spec is None:
        spec = mage.spec if mage else read_pipeline_spec(workspace, name)
    where = mage_pipeline_file(name) if mage else pipeline_file(name)
    topology = plan_spec(spec, workspace, name, where=where, environ=environ, files=files)
    topology = dataclasses.replace(topology, where=where)
    check_replication(topology)
    if mage is None:
        return topology
    return dataclasses.replace(topology, warnings=(*mage.warnings, *topology.warnings))


def plan_spec(
    spec: PipelineSpec,
    workspace: Path,
    name: str,
    *,
    where: str,
    environ: Mapping[str, str],
    settings: WorkspaceSpec | None = None,
    files: Files | None = None,
) -> Topology:
    """The topology of `spec` as pipeline `name` of `workspace` (`where` names its file in
    errors): checked, then resolved against the workspace `settings` (by default read from
    sluicegate.yaml), block files looked up in `files` (by default on disk). Given both,
    nothing is read: a change is planned before it is written (`workspace.staging`)."""
    settings = read_workspace_spec(workspace) if settings is None else settings
    folder = (workspace / PIPELINES / name).resolve()
    root = workspace.resolve()
    graph = check_spec(spec, name=name, folder=folder, where=where, root=root, files=files)
    return build_topology(
        graph,
        name=name,
        workspace=root,
        folder=folder,
        settings=settings,
        environ=environ,
        files=files,
    )


def check_pipeline(
    workspace: Path, name: str, *, environ: Mapping[str, str] | None = None
) -> tuple[list[PlanError], list[LintWarning]]:
    """The plan error (at most one: the first), or the problems of each block file (checked
    without running them: syntax, unsupported `mage_ai` imports), and the lint warnings."""
    from sluicegate.blocks.static_check import check_block_files  # blocks imports graph

    try:
        topology = load_pipeline(workspace, name, environ=environ)
    except PlanError as exc:
        return [exc], []
    return list(check_block_files(topology)), list(topology.warnings)


def check_replication(topology: Topology) -> None:
    """The plan errors of dynamic levels and input styles (`graph.replication`), with each
    block function's shape read from its source without running it."""
    from sluicegate.blocks.shape import file_shape  # blocks imports graph

    replicate(topology, {name: file_shape(node.path) for name, node in topology.blocks.items()})


def build_topology(
    graph: Graph,
    *,
    name: str,
    workspace: Path,
    folder: Path,
    settings: WorkspaceSpec,
    environ: Mapping[str, str],
    files: Files | None = None,
) -> Topology:
    """The frozen runtime view of a checked graph. `root` is the workspace folder."""
    base = base_layers(graph.spec, settings, environ)
    edges = {
        w.id: EdgeNode(
            w.src,
            w.src_port,
            w.dst,
            w.dst_port,
            port_config(graph, w, base),
            tolerate_upstream_error=w.spec.tolerate_upstream_error,
        )
        for w in graph.wires
    }
    defaults: dict[str, Any] = {
        "keep_outputs": settings.keep_outputs or "all",
        "max_children": env_max_children(environ),
    }
    where = pipeline_file(name)
    blocks = {
        block.name: _block_node(
            block,
            folder,
            list(edges.values()),
            {**defaults, **addon_files(block, folder, workspace, where, files)},
        )
        for block in graph.blocks.values()
    }
    topology = Topology(
        pipeline=name,
        root=workspace,
        blocks=blocks,
        edges=edges,
        settings=run_settings(graph.spec, settings),
        variables=dict(graph.spec.variables),
    )
    return dataclasses.replace(topology, warnings=(*graph.warnings, *lint(topology)))


def _block_node(
    block: BlockSpec, folder: Path, edges: list[EdgeNode], defaults: Mapping[str, Any]
) -> BlockNode:
    return BlockNode(
        name=block.name,
        path=(folder / block.file_name).resolve(),
        inputs=tuple(e for e in edges if e.dst == block.name),
        outputs=tuple(e for e in edges if e.src == block.name),
        inputs_mode=block.inputs,
        keep_outputs=block.keep_outputs or defaults["keep_outputs"],
        max_children=block.max_children or defaults["max_children"],
        conditions=defaults["conditions"],
        callbacks=defaults["callbacks"],
        **{key: getattr(block, key) for key in _COPIED},
    )
