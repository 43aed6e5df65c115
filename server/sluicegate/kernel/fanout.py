"""Turning upstream partitions into block runs: dynamic children, matching, reduce
(SPEC §4.10).

A *partition* is what one upstream offers one block run: a whole upstream run (its output
stream), one item of a dynamic parent, or one reduced list. Every block keeps the
partitions of each input and creates a run for every new complete combination by its
`match` rule, so children start as soon as their inputs exist, whatever the arrival order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance


@dataclass(eq=False)
class Partition:
    key: tuple[int, ...]
    producer: Instance | None  # the upstream run (for batch gating and wait-for edges)
    stream: bool  # True: attach to producer's output; False: `value` is the one item
    value: Any = None
    error: BaseException | None = None
    taken: bool = False  # a dynamic item's first child has started (SPEC §4.10.5)
    share: bool = False  # `share_outputs: true` upstream: children get `value` uncopied
    names: tuple[str | None, ...] = ()  # per key level: a Mage `block_uuid` child name
    meta: dict[str, Any] | None = None  # Mage metadata of a dynamic item (child kwargs)


Combo = tuple[tuple[int, ...], list[Partition]]


@dataclass(eq=False)
class Fanout:
    """The partitions of each input of one block, and the runs made from them."""

    block: str
    match: str
    contributes: tuple[bool, ...]  # per input: partitions are keyed (replicated upstream)
    parts: list[list[Partition]] = field(default_factory=list)
    inputs_final: list[bool] = field(default_factory=list)
    made: int = 0
    zip_next: int = 0
    final: bool = False
    unmatched: int = 0

    def __post_init__(self) -> None:
        self.parts = [[] for _ in self.contributes]
        self.inputs_final = [False] * len(self.contributes)

    def add(self, index: int, part: Partition) -> list[Combo]:
        """Record a partition of input `index`; return the new complete combinations."""
        self.parts[index].append(part)
        if self.match == "zip_index" and sum(self.contributes) >= 2:
            return self._zip()
        if self.match == "lineage" and sum(self.contributes) >= 2:
            return self._lineage(index, part)
        pools = [[part] if i == index else p for i, p in enumerate(self.parts)]
        combos: list[Combo] = []
        for choice in product(*pools):
            key = tuple(k for p in choice for k in p.key)
            combos.append((key, list(choice)))
        self.made += len(combos)
        return combos

    def _lineage(self, index: int, part: Partition) -> list[Combo]:
        """A keyed partition completes at most its own lineage; a plain input's partition,
        the last to arrive, completes every lineage that all keyed inputs already have."""
        if self.contributes[index]:
            prefixes = [part.key]
        else:
            keyed = next(p for i, p in enumerate(self.parts) if self.contributes[i])
            prefixes = [p.key for p in keyed]
        combos: list[Combo] = []
        for prefix in prefixes:
            choice: list[Partition] = []
            for i, pool in enumerate(self.parts):
                if i == index:
                    found: Partition | None = part
                elif not self.contributes[i]:
                    found = pool[0] if pool else None
                else:
                    found = next((p for p in pool if p.key == prefix), None)
                if found is None:
                    break
                choice.append(found)
            else:
                combos.append((prefix, choice))
        self.made += len(combos)
        return combos

    def _zip(self) -> list[Combo]:
        combos: list[Combo] = []
        while True:
            n = self.zip_next
            choice = []
            for i, pool in enumerate(self.parts):
                at = n if self.contributes[i] else 0
                if len(pool) <= at:
                    return combos
                choice.append(pool[at])
            combos.append(((n,), choice))
            self.zip_next += 1
            self.made += 1

    def close_input(self, index: int) -> bool:
        """No more partitions will come on input `index`; True when the block became final."""
        self.inputs_final[index] = True
        if all(self.inputs_final) and not self.final:
            self.final = True
            if self.match == "zip_index":
                counts = [len(p) for i, p in enumerate(self.parts) if self.contributes[i]]
                self.unmatched = sum(counts) - len(counts) * self.zip_next if counts else 0
            return True
        return False
