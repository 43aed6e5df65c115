"""Settings resolution: every edge's port settings with their source (SPEC §4.5, §4.3.2).

For each key the first level that sets it wins:

1. the edge's own keys ("edge config"), then `config:` rules, the last matching one first
   ("pipeline config (apply_to join.right)")
2. the consumer block's `ports:` entry for the input port ("block ports")
3. the pipeline's `buffers:` ("pipeline")
4. the workspace `sluicegate.yaml` `buffers:` ("workspace"), then `KERNEL_<KEY>` variables
   ("env KERNEL_BYTES_PER_ROW_BUFFER")
5. the built-in default ("default")

`buffering_mode: default` is then resolved to `limited` or `full` with the reason in the
source ("default: dependent multi-input"), and a blocking exchange makes the edge `full`
("blocking exchange").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from sluicegate.errors import PlanError
from sluicegate.graph.dag import constraint_target
from sluicegate.graph.defaults import PORT_DEFAULTS
from sluicegate.graph.lint import LINT_CODES, lint
from sluicegate.graph.spec import PORT_KEYS, PipelineSpec, PortSettings, WorkspaceSpec
from sluicegate.graph.topology import PortConfig, Resolved, RunSettings, Topology
from sluicegate.graph.validate import Graph, Wire, selects

EXCHANGE_OF_MODE: Mapping[str, str] = {"stream": "pipelined", "batch": "blocking"}
MAX_CHILDREN_VAR = "KERNEL_DYNAMIC_MAX_CHILDREN"

Layer = tuple[str, Mapping[str, Any]]  # (source, the port keys set at that level)


@dataclass(frozen=True, eq=False)
class BlockingFull(Resolved):
    """`full` because the edge is a blocking exchange; equal to `Resolved("full", ...)`.

    `pipelined` is the mode the edge has when pipelined, so `with_mode` can switch back.
    """

    pipelined: Resolved = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resolved):
            return NotImplemented
        return (self.value, self.source) == (other.value, other.source)

    __hash__ = Resolved.__hash__


def env_layers(environ: Mapping[str, str]) -> list[Layer]:
    """One layer per `KERNEL_<KEY>` variable that is set and not empty."""
    layers: list[Layer] = []
    for key in PORT_KEYS:
        var = f"KERNEL_{key.upper()}"
        raw = environ.get(var, "").strip()
        if not raw:
            continue
        try:
            parsed = PortSettings.model_validate({key: raw}, strict=False)
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]["msg"]
            raise PlanError(
                f"{var}={raw!r}: {problem}; fix or unset the variable",
                where="environment",
                field=var,
            ) from None
        layers.append((f"env {var}", {key: getattr(parsed, key)}))
    return layers


def env_max_children(environ: Mapping[str, str]) -> int | None:
    """The workspace default of `max_children` (SPEC §4.10.5), if set."""
    raw = environ.get(MAX_CHILDREN_VAR, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise PlanError(
            f"{MAX_CHILDREN_VAR}={raw!r} must be a positive integer; fix or unset the variable",
            where="environment",
            field=MAX_CHILDREN_VAR,
        )
    return int(raw)


def base_layers(
    spec: PipelineSpec, workspace: WorkspaceSpec, environ: Mapping[str, str]
) -> list[Layer]:
    """Levels 3 to 4: the same for every edge of the pipeline."""
    return [
        ("pipeline", _set(spec.buffers)),
        ("workspace", _set(workspace.buffers)),
        *env_layers(environ),
    ]


def port_config(graph: Graph, wire: Wire, base: list[Layer]) -> PortConfig:
    """Resolve the port settings of one edge."""
    block = graph.blocks[wire.dst]
    rules = [(r.label(), _set(r)) for r in reversed(graph.spec.config) if selects(r, wire, block)]
    ports = block.ports.get(wire.dst_port)
    layers: list[Layer] = [
        ("edge config", _set(wire.spec)),
        *rules,
        *([("block ports", _set(ports))] if ports else []),
        *base,
    ]
    if wire.spec.exchange is not None:
        exchange = Resolved(wire.spec.exchange, "edge config")
    else:
        exchange = Resolved(EXCHANGE_OF_MODE[graph.spec.mode], "pipeline mode")
    mode = _resolve(layers, "buffering_mode")
    if mode.value == "default":
        reason = _default_reason(graph, wire)
        mode = Resolved("full", f"default: {reason}") if reason else Resolved("limited", "default")
    return PortConfig(
        buffering_mode=_with_exchange(mode, exchange),
        rows_per_buffer=_resolve(layers, "rows_per_buffer"),
        bytes_per_row_buffer=_resolve(layers, "bytes_per_row_buffer"),
        full_mem_budget_bytes=_resolve(layers, "full_mem_budget_bytes"),
        sizer=_resolve(layers, "sizer"),
        exchange=exchange,
    )


def run_settings(spec: PipelineSpec, workspace: WorkspaceSpec) -> RunSettings:
    """Pipeline `settings:` over workspace `settings:` over the defaults; `mode` from the spec."""
    values = {
        **workspace.settings.model_dump(exclude_none=True),
        **spec.settings.model_dump(exclude_none=True),
    }
    return RunSettings(mode=spec.mode, **values)


def with_mode(topology: Topology, mode: Literal["stream", "batch"]) -> Topology:
    """The topology run in `mode`: edges without their own `exchange` follow it ("run mode")."""
    edges = {}
    for key, edge in topology.edges.items():
        exchange = edge.config.exchange
        if exchange.source != "edge config":
            exchange = Resolved(EXCHANGE_OF_MODE[mode], "run mode")
        buffering = _with_exchange(edge.config.buffering_mode, exchange)
        config = dataclasses.replace(edge.config, exchange=exchange, buffering_mode=buffering)
        edges[key] = dataclasses.replace(edge, config=config)
    blocks = {
        name: dataclasses.replace(
            block,
            inputs=tuple(edges[e.id] for e in block.inputs),
            outputs=tuple(edges[e.id] for e in block.outputs),
        )
        for name, block in topology.blocks.items()
    }
    settings = dataclasses.replace(topology.settings, mode=mode)
    result = dataclasses.replace(topology, blocks=blocks, edges=edges, settings=settings)
    kept = tuple(w for w in topology.warnings if w.code not in LINT_CODES)
    return dataclasses.replace(result, warnings=(*kept, *lint(result)))


def _set(settings: PortSettings) -> dict[str, Any]:
    values = ((key, getattr(settings, key)) for key in PORT_KEYS)
    return {key: value for key, value in values if value is not None}


def _resolve(layers: list[Layer], key: str) -> Resolved:
    for source, values in layers:
        if key in values:
            return Resolved(values[key], source)
    return Resolved(PORT_DEFAULTS[key], "default")


def _default_reason(graph: Graph, wire: Wire) -> str | None:
    """Why `buffering_mode: default` resolves to `full` on this edge (SPEC §4.3.2), if it does."""
    block = graph.blocks[wire.dst]
    if wire.src_port == "error":
        return "error output"
    if graph.blocks[wire.src].dynamic:
        return "dynamic output"
    if block.inputs == "dependent" and len(graph.inputs(wire.dst)) >= 2:
        return "dependent multi-input"
    constraint = graph.constraints.get(wire.dst)
    if constraint and constraint_target(wire.src, constraint.blocks, graph.ancestors):
        return "start constraint"
    return None


def _with_exchange(mode: Resolved, exchange: Resolved) -> Resolved:
    pipelined = mode.pipelined if isinstance(mode, BlockingFull) else mode
    if exchange.value == "blocking":
        return BlockingFull("full", "blocking exchange", pipelined)
    return pipelined


def with_executor(
    topology: Topology, executor: str | None, ray_address: str | None = None
) -> Topology:
    """The topology with the pipeline's `settings.executor` (and Ray address) replaced, as
    `sluicegate run --executor` / `--ray-address` and the run view's choice do. A block's own
    `executor:` still wins."""
    changes: dict[str, Any] = {}
    if executor is not None:
        changes["executor"] = executor
    if ray_address is not None:
        changes["ray_address"] = ray_address
    return dataclasses.replace(topology, settings=dataclasses.replace(topology.settings, **changes))
