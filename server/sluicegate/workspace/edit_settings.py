"""Editing a pipeline's settings: `settings:`, `buffers:`, `variables:` and `config:` rules,
and setting a port key so that it takes effect (`apply_port_setting`).

Every call goes through the same draft, round trip and in-memory plan as the other edits
(`workspace.staging`): a value the schema refuses is a PlanError naming the field, and
nothing is written.
"""

from __future__ import annotations

from typing import Any, Literal

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import load_pipeline, pipeline_file
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.graph.loading import parse_model
from sluicegate.graph.sources import FileSnapshot
from sluicegate.graph.spec import PORT_KEYS, PipelineSpec
from sluicegate.graph.topology import Topology
from sluicegate.workspace.config_rules import checked, matches_only, winner
from sluicegate.workspace.files import pipeline_dir
from sluicegate.workspace.references import edge_id
from sluicegate.workspace.staging import Data, Draft, EditorBase, new_text_checked

Section = Literal["settings", "buffers"]


class SettingsEdits(EditorBase):
    def update_section(self, pipeline: str, section: Section, patch: Data) -> dict[str, Any]:
        """Merge `patch` into `settings:` or `buffers:`; a `None` value removes a key, and a
        section left empty is removed."""
        with self._lock:
            draft = self._open(pipeline)
            values = draft.data.get(section)
            values = dict(values) if isinstance(values, dict) else {}
            for key, value in patch.items():
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = value
            if values:
                draft.data[section] = values
            else:
                draft.data.pop(section, None)
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def set_variables(self, pipeline: str, variables: Data) -> dict[str, Any]:
        """Replace the pipeline's `variables:` (an empty mapping removes the key)."""
        with self._lock:
            draft = self._open(pipeline)
            if variables:
                draft.data["variables"] = variables
            else:
                draft.data.pop("variables", None)
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def add_rule(self, pipeline: str, rule: Data, at: int | None = None) -> dict[str, Any]:
        """Insert a `config:` rule at index `at` (default: last, where it wins over the rest)."""
        with self._lock:
            draft = self._open(pipeline)
            config = draft.data["config"]
            where = len(config) if at is None else at
            if not 0 <= where <= len(config):
                raise self._no_rule(pipeline, where, len(config))
            config.insert(where, rule)
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def update_rule(self, pipeline: str, index: int, rule: Data) -> dict[str, Any]:
        """Replace `config:` rule `index` (0-based) with `rule`."""
        with self._lock:
            draft = self._open(pipeline)
            config = draft.data["config"]
            self._rule_index(pipeline, config, index)
            config[index] = rule
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def move_rule(self, pipeline: str, index: int, to: int) -> dict[str, Any]:
        """Move rule `index` to position `to` (a later rule wins where both match)."""
        with self._lock:
            draft = self._open(pipeline)
            config = draft.data["config"]
            self._rule_index(pipeline, config, index)
            self._rule_index(pipeline, config, to)
            config.insert(to, config.pop(index))
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def delete_rule(self, pipeline: str, index: int) -> dict[str, Any]:
        with self._lock:
            draft = self._open(pipeline)
            config = draft.data["config"]
            self._rule_index(pipeline, config, index)
            del config[index]
            self._save_checked(pipeline, draft)
            return self.read_pipeline(pipeline)

    def apply_port_setting(self, pipeline: str, edge: str, key: str, value: Any) -> dict[str, Any]:
        """Set port key `key` of the input port `edge` enters to `value` at the level that
        decides it now (SPEC §4.5): the edge's own key, else the rule that wins there (changed
        when it matches this port alone; otherwise a new rule for this port goes last),
        else the block's `ports:`. The change is planned first and must resolve to `value`.
        Returns the pipeline with `applied: {level, message}`."""
        where = pipeline_file(pipeline)
        if key not in PORT_KEYS:
            raise PlanError(
                f"{key!r} is not a port key{did_you_mean(key, PORT_KEYS)} "
                f"(port keys: {listing(PORT_KEYS)})",
                where=where,
                field="key",
            )
        with self._lock:
            draft = self._open(pipeline)
            topology = load_pipeline(self.root, pipeline)
            found = topology.edges.get(edge)
            if found is None:
                ids = list(topology.edges)
                raise NotFound(
                    f"edge {edge!r} not found in pipeline {pipeline!r}{did_you_mean(edge, ids)} "
                    f"(edges: {listing(ids)})"
                )
            current = getattr(found.config, key)
            if current.value == value:
                data = self.read_pipeline(pipeline)
                data["applied"] = {
                    "level": "unchanged",
                    "message": f"{found.dst}.{found.dst_port} {key} is already {value} "
                    f"({current.source}); nothing to change",
                }
                return data
            if current.source == "blocking exchange":
                raise Conflict(
                    f"edge {edge} is a blocking exchange (batch mode or `exchange: blocking`), "
                    f"which is always full; set `exchange: pipelined` on the edge or run in "
                    f"stream mode to give it {key}: {value}"
                )
            level = self._set_winning(pipeline, draft, edge, key, value, current.source)
            after = self._planned(pipeline, draft).edges[edge].config
            if getattr(after, key).value != value:  # pragma: no cover - precedence changed
                raise Conflict(
                    f"setting {key}: {value} on {level} would not take effect "
                    f"({getattr(after, key).source} decides it); edit pipeline.yaml"
                )
            self._save_checked(pipeline, draft)
            data = self.read_pipeline(pipeline)
            data["applied"] = {
                "level": level,
                "message": f"set {key}: {value} for {found.dst}.{found.dst_port} on {level}",
            }
            return data

    def _set_winning(
        self, pipeline: str, draft: Draft, edge: str, key: str, value: Any, source: str
    ) -> str:
        """Change `draft` so that `key` is `value` on `edge`'s port; the level changed."""
        data = draft.data
        if source == "edge config":
            spec = next(e for e in data["edges"] if edge_id(e) == edge)
            spec[key] = value
            return f"the edge {edge}"
        graph = checked(self.root, pipeline, new_text_checked(pipeline, draft.text))
        wire = next(w for w in graph.wires if w.id == edge) if graph else None
        if source.startswith("pipeline config") and graph is not None and wire is not None:
            index = winner(graph, wire, key)
            if index is not None and matches_only(graph, graph.spec.config[index], wire):
                data["config"][index][key] = value
                return f"config rule {index + 1} (apply_to {graph.spec.config[index].target()})"
            target = f"{wire.dst}.{wire.dst_port}"
            data["config"].append({"apply_to": target, key: value})
            return f"a new config rule (apply_to {target}), after the rule that matched"
        dst, port = edge.split("->", 1)[1].split(".", 1)
        block = self._block(data, pipeline, dst)
        ports = block.setdefault("ports", {})
        ports[port] = {**(ports.get(port) or {}), key: value}
        return f"block {dst}'s ports ({port})"

    def _planned(self, pipeline: str, draft: Draft) -> Topology:
        """The topology `draft` would have once saved (nothing is written)."""
        spec = new_text_checked(pipeline, draft.new_text())
        names = [b.file_name for b in spec.blocks]
        names += [f for b in spec.blocks for f in (*b.conditions, *b.callbacks)]
        folder = pipeline_dir(self.root, pipeline).resolve()
        files = FileSnapshot.take(self.root, folder, names, created=set())
        return load_pipeline(self.root, pipeline, spec=spec, files=files)

    def _save_checked(self, pipeline: str, draft: Draft) -> None:
        """Save `draft` once its mapping fits the schema, so that a bad value is refused
        naming its field before the file is written out (`_save` plans it then)."""
        parse_model(PipelineSpec, draft.data, pipeline_file(pipeline))
        self._save(pipeline, draft)

    def _rule_index(self, pipeline: str, config: list[Any], index: int) -> None:
        if not 0 <= index < len(config):
            raise self._no_rule(pipeline, index, len(config))

    def _no_rule(self, pipeline: str, index: int, count: int) -> NotFound:
        return NotFound(
            f"config rule {index + 1} not found in pipeline {pipeline!r}: it has "
            f"{count} rule{'s' if count != 1 else ''} (numbered from 1); reload and try again"
        )
