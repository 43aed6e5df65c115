"""The `config:` rules of a pipeline as the editor lists them: each with the input ports it
matches and the keys it decides there.

    rules(workspace, "deadlock_diamond")
    # [{"index": 0, "rule": {"apply_to": "J.right", "buffering_mode": "limited"},
    #   "target": "J.right", "label": "pipeline config (apply_to J.right)",
    #   "ports": [{"edge": "B.out->J.right", "block": "J", "port": "right",
    #              "wins": ["buffering_mode"]}]}]

Matching is the planner's own (`graph.validate.selects`), and so is precedence
(`graph.settings.port_config`): on a port, a key set on the edge itself wins over every
rule, and among the rules that match, the last one that sets the key wins. `wins` lists the
keys a rule sets that no later rule and no edge overrides on that port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sluicegate.errors import PlanError
from sluicegate.graph.build import pipeline_file, read_pipeline_spec
from sluicegate.graph.spec import PORT_KEYS, ConfigRule, PipelineSpec, dump_spec
from sluicegate.graph.validate import Graph, Wire, check_spec, selects
from sluicegate.workspace.files import pipeline_dir


def rules(workspace: Path, name: str) -> list[dict[str, Any]]:
    """Every rule of pipeline `name` with the ports it matches; `ports` is None when the
    pipeline does not plan (its error says why)."""
    spec = read_pipeline_spec(workspace, name)
    graph = checked(workspace, name, spec)
    out = []
    for index, rule in enumerate(spec.config):
        ports = None
        if graph is not None:
            ports = [
                {
                    "edge": wire.id,
                    "block": wire.dst,
                    "port": wire.dst_port,
                    "wins": [k for k in keys_set(rule) if winner(graph, wire, k) == index],
                }
                for wire in graph.wires
                if selects(rule, wire, graph.blocks[wire.dst])
            ]
        out.append(
            {
                "index": index,
                "rule": dump_spec(rule),
                "target": rule.target(),
                "label": rule.label(),
                "ports": ports,
            }
        )
    return out


def checked(workspace: Path, name: str, spec: PipelineSpec) -> Graph | None:
    """The checked graph of `spec`, or None when it does not check."""
    try:
        return check_spec(
            spec,
            name=name,
            folder=pipeline_dir(workspace, name),
            where=pipeline_file(name),
            root=workspace,
        )
    except PlanError:
        return None


def keys_set(settings: Any) -> list[str]:
    """The port keys a rule (or edge) sets."""
    return [k for k in PORT_KEYS if getattr(settings, k) is not None]


def winner(graph: Graph, wire: Wire, key: str) -> int | None:
    """The index of the rule that decides `key` on `wire`'s port, None if no rule does."""
    if getattr(wire.spec, key) is not None:
        return None  # the edge's own key wins over every rule
    config = graph.spec.config
    for index in reversed(range(len(config))):
        rule = config[index]
        if getattr(rule, key) is not None and selects(rule, wire, graph.blocks[wire.dst]):
            return index
    return None


def matches_only(graph: Graph, rule: ConfigRule, wire: Wire) -> bool:
    """Whether `rule` selects `wire`'s port and no other."""
    return [w.id for w in graph.wires if selects(rule, w, graph.blocks[w.dst])] == [wire.id]
