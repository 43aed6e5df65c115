"""Which executor each block of a run uses, and the pools behind them.

A block's `executor:` wins over the pipeline's `settings.executor` (default `thread`);
`sluicegate run --executor` sets the pipeline's.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from sluicegate.errors import PlanError
from sluicegate.kernel.block_loading import import_folders, module_prefix
from sluicegate.kernel.executors.messages import RunContext
from sluicegate.kernel.executors.pools import process_pool, ray_pool

if TYPE_CHECKING:
    from collections import Counter

    from sluicegate.graph.topology import BlockNode, RunSettings, Topology
    from sluicegate.kernel.executors.remote import Pool


def executor_of(node: BlockNode, settings: RunSettings) -> str:
    return node.executor or settings.executor


def check_executors(topology: Topology) -> None:
    """Plan error when a block asks for Ray and Ray is not installed."""
    on_ray = [
        name
        for name, node in topology.blocks.items()
        if executor_of(node, topology.settings) == "ray"
    ]
    if on_ray and importlib.util.find_spec("ray") is None:
        names = ", ".join(on_ray)
        raise PlanError(
            f"blocks {names} run on `executor: ray`, but Ray is not installed here; install "
            "it with `pip install 'sluicegate[ray]'`, or set `executor: thread` or "
            "`executor: process`",
            where=topology.where,
            block=on_ray[0],
            field="executor",
        )


class Executors:
    """The pools one run's blocks execute on (threads need none)."""

    def __init__(
        self,
        topology: Topology,
        run_id: str,
        variables: dict[str, Any],
        ran_on: dict[str, Counter[str]],
    ) -> None:
        self.settings = topology.settings
        self.variables = variables
        self.ran_on = ran_on  # RunState.ran_on: the live view and report show it
        self.by_block = {
            name: executor_of(node, topology.settings) for name, node in topology.blocks.items()
        }
        self.used: dict[str, Pool] = {}
        self.context = RunContext(
            run_id=run_id,
            root=str(topology.root.resolve()),
            folders=tuple(import_folders(topology)),
            module_prefix=module_prefix(topology),
            blocks=tuple((name, str(node.path)) for name, node in topology.blocks.items()),
        )

    def pool_for(self, block: str) -> Pool | None:
        executor = self.by_block[block]
        if executor == "thread":
            return None
        pool = self.used.get(executor)
        if pool is None:
            if executor == "process":
                pool = process_pool(self.settings.max_processes)
            else:
                pool = ray_pool(self.settings.ray_address)
            self.used[executor] = pool
        return pool

    def start(self) -> None:
        """Start the pools the run will need before its first block run asks."""
        for block, executor in self.by_block.items():
            if executor != "thread":
                pool = self.pool_for(block)
                starter = getattr(pool, "start", None)
                if starter is not None:
                    starter()

    def end(self) -> None:
        for pool in self.used.values():
            pool.end_run(self.context.run_id)
