"""Where a dynamic child's inputs came from (SPEC §4.10.2-3), for the child tables and the
inspector: `D:7:3` is D run on B's child 7 and C's child 3; `B:7` is B run on item 7 of A.

    sources = Lineage.of(workspace, "seed_stream").child_sources(engine, run_id, "D", [7, 3])
    # [{"port": "B", "block": "B", "uuid": "B:7", "item": None},
    #  {"port": "C", "block": "C", "uuid": "C:3", "item": None}]

A child's key is its inputs' partition keys one after the other (`match: product`), or the
lineage they share (`match: lineage`); how many key levels each input brings is a plan fact
(`graph.replication`), so nothing is read but the plan and the run's own block runs (whose
`uuid` is looked up by key, so Mage child names are right). A dynamic upstream gives one
item of its output (`item`); any other gives its whole output (`item` None). When the
pipeline has changed since the run so that the key no longer splits, or under `match:
zip_index` (the pairing is by arrival), there is no answer (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from sluicegate.errors import SluicegateError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.replication import replicate
from sluicegate.store.history.models import BlockRunRow
from sluicegate.store.history.rows import key_order


@dataclass(frozen=True)
class _Input:
    port: str
    src: str
    levels: int  # key levels the input's partitions carry
    dynamic: bool  # the upstream is dynamic: a partition is one item of its output
    reduce: bool  # the upstream is a reduce_output: a partition is one reduced list


@dataclass(frozen=True)
class _Block:
    match: str
    inputs: tuple[_Input, ...]


@dataclass(frozen=True)
class Lineage:
    blocks: dict[str, _Block]

    @classmethod
    def of(cls, workspace: Path, pipeline: str) -> Lineage | None:
        """The pipeline's lineage facts; None when it cannot be planned (any more)."""
        try:
            topology = load_pipeline(workspace, pipeline)
            facts = replicate(topology, {})
        except (SluicegateError, OSError):
            return None
        blocks = {}
        for name, node in topology.blocks.items():
            contributions = facts[name].contributions
            inputs = tuple(
                _Input(
                    e.dst_port,
                    e.src,
                    len(levels),
                    topology.blocks[e.src].dynamic,
                    topology.blocks[e.src].reduce_output,
                )
                for e, levels in zip(node.inputs, contributions, strict=True)
            )
            blocks[name] = _Block(node.match, inputs)
        return cls(blocks)

    def partitions(self, block: str, key: list[int]) -> list[tuple[_Input, list[int]]] | None:
        """Each input of `block` with the key of the partition child `key` got from it."""
        found = self.blocks.get(block)
        if found is None:
            return None
        keyed = [i for i in found.inputs if i.levels]
        if len(keyed) >= 2 and found.match == "zip_index":
            return None
        if len(keyed) >= 2 and found.match == "lineage":
            if any(i.levels != len(key) for i in keyed):
                return None
            return [(i, list(key) if i.levels else []) for i in found.inputs]
        if sum(i.levels for i in found.inputs) != len(key):
            return None
        out, at = [], 0
        for i in found.inputs:
            out.append((i, list(key[at : at + i.levels])))
            at += i.levels
        return out

    def child_sources(
        self, engine: Engine, run_id: str, block: str, keys: list[list[int] | None]
    ) -> list[list[dict[str, Any]] | None]:
        """For each child key of `block`: its inputs' sources (see the module docstring)."""
        wanted: list[list[tuple[_Input, list[int], list[int]]] | None] = []
        lookups: set[tuple[str, str]] = set()
        for key in keys:
            split = self.partitions(block, key) if key else None
            if split is None:
                wanted.append(None)
                continue
            row = []
            for inp, part in split:
                run_key = part[:-1] if inp.dynamic else part
                row.append((inp, part, run_key))
                if run_key and not inp.reduce:
                    lookups.add((inp.src, key_order(run_key)))
            wanted.append(row)
        uuids = _uuids(engine, run_id, lookups)
        out: list[list[dict[str, Any]] | None] = []
        for parts in wanted:
            if parts is None:
                out.append(None)
                continue
            sources = []
            for inp, part, run_key in parts:
                uuid = uuids.get((inp.src, key_order(run_key))) if run_key else inp.src
                if inp.reduce:
                    uuid = None  # one reduced list of the level `part`: no block run of its own
                sources.append(
                    {
                        "port": inp.port,
                        "block": inp.src,
                        "uuid": uuid,
                        "key": part,
                        "item": part[-1] if inp.dynamic and part else None,
                    }
                )
            out.append(sources)
        return out


def _uuids(engine: Engine, run_id: str, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names of the block runs `(block, key_order)` of run `run_id`."""
    if not wanted:
        return {}
    blocks = {b for b, _ in wanted}
    orders = {o for _, o in wanted}
    stmt = select(BlockRunRow.block, BlockRunRow.key_order, BlockRunRow.uuid).where(
        BlockRunRow.run_id == run_id,
        col(BlockRunRow.block).in_(blocks),
        col(BlockRunRow.key_order).in_(orders),
    )
    with Session(engine) as session:
        return {(b, o): u for b, o, u in session.exec(stmt) if (b, o) in wanted}
