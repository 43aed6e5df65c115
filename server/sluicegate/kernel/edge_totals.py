"""One pipeline edge's instance edges (one per child run of a dynamic block) added up, in time
linear in the edges that still move.

A run with 100,000 children has 100,000 instance edges behind one pipeline edge, nearly all
of them finished. Summing them all for every sample (10 a second) and every live push makes a
run's telemetry cost grow with the square of its children; an `EdgeTotals` adds a settled
edge (`Edge.settled`: no counter of it changes any more) to its totals once and then only
looks at the edges still moving. Each reader (the sampler, the view) keeps its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sluicegate.kernel.edge import Edge

SUMMED = (
    "items_in",
    "items_out",
    "rows_in",
    "rows_out",
    "bytes_in",
    "bytes_out",
    "discarded",
    "fill_items",
    "fill_bytes",
    "spilled_items",
    "spilled_bytes",
)


@dataclass
class EdgeSummary:
    """Sums and maxima over a pipeline edge's instance edges; `first` is the first edge (in
    creation order) whose buffer size is known, else the first edge."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))
    bp_ms: float = 0.0
    max_fill_items: int = 0
    max_ratio: float = 0.0
    states: set[str] = field(default_factory=set)
    first: Edge | None = None


class EdgeTotals:
    def __init__(self) -> None:
        self.settled = EdgeSummary()
        self._first_sized: tuple[int, Edge] | None = None  # among settled edges
        self.moving: list[tuple[int, Edge]] = []  # (creation index, edge)
        self.seen = 0  # instance edges looked at so far (the list only grows)

    def summary(self, edges: Sequence[Edge]) -> EdgeSummary:
        """The summary of `edges`, the same list (grown since) at every call."""
        if len(edges) > self.seen:
            self.moving.extend(enumerate(edges[self.seen :], self.seen))
            self.seen = len(edges)
        now = EdgeSummary(dict(self.settled.sums), self.settled.bp_ms)
        now.max_fill_items, now.max_ratio = self.settled.max_fill_items, self.settled.max_ratio
        now.states = set(self.settled.states)
        first = self._first_sized
        moving: list[tuple[int, Edge]] = []
        for index, e in self.moving:
            if e.settled():
                _add(self.settled, e)
                _add(now, e)
                if e.rows_per_buffer is not None and (
                    self._first_sized is None or index < self._first_sized[0]
                ):
                    self._first_sized = (index, e)
            else:
                _add(now, e)
                moving.append((index, e))
            if e.rows_per_buffer is not None and (first is None or index < first[0]):
                first = (index, e)
        self.moving = moving
        now.first = first[1] if first else (edges[0] if edges else None)
        return now


def _add(into: EdgeSummary, e: Edge) -> None:
    sums = into.sums  # spelled out: this runs for every moving edge at every look
    sums["items_in"] += e.items_in
    sums["items_out"] += e.items_out
    sums["rows_in"] += e.rows_in
    sums["rows_out"] += e.rows_out
    sums["bytes_in"] += e.bytes_in
    sums["bytes_out"] += e.bytes_out
    sums["discarded"] += e.discarded
    sums["fill_items"] += e.fill_items
    sums["fill_bytes"] += e.fill_bytes
    sums["spilled_items"] += e.spilled_items
    sums["spilled_bytes"] += e.spilled_bytes
    into.bp_ms += e.bp_ms_now()
    if e.max_fill_items > into.max_fill_items:
        into.max_fill_items = e.max_fill_items
    if e.fill_items or e.fill_bytes:  # an empty edge's ratio is 0
        into.max_ratio = max(into.max_ratio, e.fill_ratio())
    into.states.add(e.state)
