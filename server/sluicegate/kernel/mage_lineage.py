"""Mage's conventions where they meet block runs: a run's output shaper, the names and
metadata its dynamic items give their children, and what a reduce collects from them.

Kept apart from `mage_outputs` (pure value rules) so that `instance` can name a `Shaper`
without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sluicegate.kernel.mage_outputs import Kind, Shaper

if TYPE_CHECKING:
    from sluicegate.kernel.fanout import Partition
    from sluicegate.kernel.instance import Instance


def shaper_for(inst: Instance) -> Shaper:
    """Dynamic blocks and dynamic children follow Mage; other blocks emit as before."""
    node = inst.node
    kind: Kind = "dynamic" if node.dynamic else ("child" if inst.key else "plain")
    return Shaper(inst.block, kind, explode=node.explode, reduce_output=node.reduce_output)


def next_meta(parent: Instance) -> tuple[dict[str, Any] | None, str | None]:
    """Metadata and child name of the next item `parent` emitted (None when replayed)."""
    shaper = parent.shaper
    return shaper.metas.popleft() if shaper is not None and shaper.metas else (None, None)


def lineage_names(
    key: tuple[int, ...], parts: list[Partition]
) -> tuple[tuple[str | None, ...], dict[str, Any] | None]:
    """A new block run's child names per key level, and the metadata of its dynamic items
    (passed to its function as kwargs, as Mage does)."""
    padded = [p.names if len(p.names) == len(p.key) else (None,) * len(p.key) for p in parts]
    names: tuple[str | None, ...] = tuple(n for ns in padded for n in ns)
    if tuple(k for p in parts for k in p.key) != key:  # lineage or zip_index matching
        names = next(
            (ns for p, ns in zip(parts, padded, strict=True) if p.key == key), (None,) * len(key)
        )
    metas = [p.meta for p in parts if p.meta]
    meta = {k: v for m in metas for k, v in m.items()} if metas else None
    return (names if any(n is not None for n in names) else ()), meta


def add_to_reduce(group: list[Any], inst: Instance, single_output: bool) -> None:
    """Add one succeeded child's output to its reduce group: Mage flattens lists."""
    assert inst.outlet is not None and inst.outlet.retained is not None
    out = inst.outlet.retained
    if single_output and len(out) == 1:
        spread = inst.shaper.spread if inst.shaper is not None else False
        value: Any = out[0]
    else:
        spread, value = True, list(out)
    if spread:
        group.extend(value)
    else:
        group.append(value)
