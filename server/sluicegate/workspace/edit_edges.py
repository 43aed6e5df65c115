"""Editing edges: add, remove, and the settings an edge carries (port keys, exchange, ...).

An edge is named by its id, `A.out->B.A`: source block and port, target block and port,
with the defaults filled in (`out`, and the input port named after the source block).
"""

from __future__ import annotations

from typing import Any

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import pipeline_file
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.workspace.references import drop_port, edge_ends, edge_id, end_text
from sluicegate.workspace.staging import Data, EditorBase


class EdgeEdits(EditorBase):
    def add_edge(
        self,
        pipeline: str,
        src: str,
        dst: str,
        *,
        src_port: str = "out",
        dst_port: str | None = None,
    ) -> dict[str, Any]:
        """Connect `src.src_port` to `dst.dst_port` (the port defaults to the source's name)."""
        edge = {"from": end_text(src, src_port, "out"), "to": end_text(dst, dst_port, src)}
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            if any(edge_id(e) == edge_id(edge) for e in data["edges"]):
                raise Conflict(
                    f"edge {edge_id(edge)} already exists in pipeline {pipeline!r}; to give "
                    f"{dst} a second input from {src}, connect it to another input port "
                    f"(in pipeline.yaml: `to: {dst}.another_port`)"
                )
            data["edges"].append(edge)
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def remove_edge(self, pipeline: str, edge: str) -> dict[str, Any]:
        """Remove edge `A.out->B.A`, with the settings of the input port it entered."""
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            index = self._edge_index(data, pipeline, edge)
            _, _, dst, dst_port = edge_ends(data["edges"].pop(index))
            drop_port(data, dst, dst_port)
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def update_edge_settings(
        self, pipeline: str, edge: str, settings: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge settings into an edge (`buffering_mode`, `exchange`, ...); `None` removes one."""
        if "from" in settings or "to" in settings:
            raise PlanError(
                "an edge's ends cannot be changed; remove the edge and add another",
                where=pipeline_file(pipeline),
                field="from" if "from" in settings else "to",
            )
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            spec = data["edges"][self._edge_index(data, pipeline, edge)]
            for key, value in settings.items():
                if value is None:
                    spec.pop(key, None)
                else:
                    spec[key] = value
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def _edge_index(self, data: Data, pipeline: str, edge: str) -> int:
        ids = [edge_id(e) for e in data["edges"]]
        if edge not in ids:
            raise NotFound(
                f"edge {edge!r} not found in pipeline {pipeline!r}{did_you_mean(edge, ids)} "
                f"(edges: {listing(ids)})"
            )
        return ids.index(edge)
