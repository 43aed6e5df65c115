"""The keyword arguments Mage passes to a block function, built for one block run.

Mage builds them from the pipeline run's variables (`ds`, `hr`, `env`, `event`,
`execution_date`) and the block (`configuration`, `pipeline_uuid`, `block_uuid`,
`dynamic_block_index`, `repo_path`); `Run.kwargs_for` adds these to the runtime variables.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.graph.topology import Topology
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.plan import BlockPlan


def execution_date(started_epoch: float) -> datetime:
    """The run's `execution_date`: when it started, in UTC (one value for every block)."""
    return datetime.fromtimestamp(started_epoch, tz=UTC)


@functools.lru_cache(maxsize=8)
def _run_dates(started_epoch: float) -> tuple[datetime, str, str]:
    """`execution_date`, `ds` and `hr` of a run, made once per run, not once per child
    (a datetime and strings: immutable, so every block run may share them)."""
    when = execution_date(started_epoch)
    return when, when.strftime("%Y-%m-%d"), when.strftime("%H")


def mage_kwargs(
    topology: Topology,
    plan: BlockPlan,
    inst: Instance,
    *,
    started_epoch: float,
    variables: dict[str, Any],
) -> dict[str, Any]:
    """Mage's kwargs for `inst`. `env` and `event` come from variables of those names when
    given (`--var env=prod`), as in Mage; the other names are always Sluicegate's."""
    when, ds, hr = _run_dates(started_epoch)
    event = variables.get("event")
    kwargs: dict[str, Any] = {
        "execution_date": when,
        "ds": ds,
        "hr": hr,
        "env": variables.get("env") or os.environ.get("ENV") or "dev",
        "event": dict(event) if isinstance(event, dict) else {},
        "pipeline_uuid": topology.pipeline,
        "configuration": dict(inst.node.configuration),
        "repo_path": str(topology.root),
    }
    if plan.levels:
        kwargs["dynamic_block_index"] = inst.key[-1]
        kwargs["dynamic_block_indexes"] = dict(zip(plan.levels, inst.key, strict=False))
    return kwargs
