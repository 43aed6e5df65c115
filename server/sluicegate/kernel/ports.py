"""The narrow faces of a run (STYLE 3): what each part of the kernel may see of another.

The stopper, the deadlock detector, the sampler, the report, the hints and the view read
the run's state through `RunFacts` (read-only: mappings and properties, no setters); the
driver, `@test` functions and callbacks use `Services`; the stopper drives the scheduler
through `Scheduler`. `RunState` (kernel/state.py) and `Run` (kernel/run.py) satisfy them
structurally; tests can pass small fakes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from sluicegate.graph.topology import RunSettings, Topology
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.fanout import Fanout
    from sluicegate.kernel.handback import Handback
    from sluicegate.kernel.instance import Instance, Totals
    from sluicegate.kernel.plan import BlockPlan


class RunFacts(Protocol):
    """A read-only face of `RunState`."""

    @property
    def topology(self) -> Topology: ...
    @property
    def settings(self) -> RunSettings: ...
    @property
    def plans(self) -> Mapping[str, BlockPlan]: ...
    @property
    def run_id(self) -> str: ...
    @property
    def by_block(self) -> Mapping[str, Sequence[Instance]]: ...
    @property
    def live(self) -> Mapping[str, int]: ...
    @property
    def counts(self) -> Mapping[str, Counter[str]]: ...
    @property
    def running(self) -> Set[Instance]: ...
    @property
    def done_totals(self) -> Mapping[str, Totals]: ...
    @property
    def edges_by_static(self) -> Mapping[str, Sequence[Edge]]: ...
    @property
    def ran_on(self) -> Mapping[str, Counter[str]]: ...
    @property
    def fanouts(self) -> Mapping[str, Fanout]: ...
    @property
    def busy(self) -> int: ...
    @property
    def progress(self) -> int: ...
    @property
    def stopping(self) -> bool: ...
    @property
    def stopped_by_user(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def started(self) -> float: ...
    @property
    def started_epoch(self) -> float: ...
    @property
    def finished(self) -> float | None: ...

    def live_instances(self) -> list[Instance]: ...


class WorkCounters(Protocol):
    """The two counters a driver moves: threads in user code, and progress."""

    busy: int
    progress: int


class Services(Protocol):
    """What a driver, a block's `@test` functions and its callbacks need from their run."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop: ...
    @property
    def pool(self) -> Executor: ...
    @property
    def handback(self) -> Handback: ...
    @property
    def state(self) -> WorkCounters: ...
    @property
    def run_id(self) -> str: ...

    def kwargs_for(self, inst: Instance) -> dict[str, Any]: ...


class Scheduler(Protocol):
    """What the stopper drives: re-checking the run's end, and ending block runs."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop: ...

    def refresh(self) -> None: ...

    def finish(self, inst: Instance, phase: Any, error: Any = None, reason: Any = None) -> None: ...
