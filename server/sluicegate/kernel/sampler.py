"""Sampling every 100 ms (SPEC §4.14.3): windowed fractions and rates, quiescence and
deadlock checks, then the `on_sample` hook."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sluicegate.kernel.deadlock import DeadlockDetector
from sluicegate.kernel.hints import Hints
from sluicegate.protocol.vocab import ACTIVITY_TIMES, ActivityTime

if TYPE_CHECKING:
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.hooks import RunHooks
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.rates import Rates
    from sluicegate.kernel.stopping import Stopper
    from sluicegate.kernel.view import RunView

WINDOW_S = 5.0


class Sampler:
    def __init__(
        self,
        state: RunFacts,
        view: RunView,
        rates: Rates,
        *,
        hooks: RunHooks,
        stopper: Stopper,
        detector: DeadlockDetector,
        done: asyncio.Event,
    ) -> None:
        self.state, self.view, self.rates = state, view, rates
        self.hooks, self.stopper, self.detector, self.done = hooks, stopper, detector, done
        self.block_history: dict[str, deque[tuple[float, dict[ActivityTime, float]]]] = {
            name: deque() for name in state.topology.blocks
        }
        self.edge_history: dict[str, deque[tuple[float, tuple[float, ...]]]] = {
            edge_id: deque() for edge_id in state.topology.edges
        }
        self.edge_sums = {edge_id: EdgeSums() for edge_id in state.topology.edges}
        self.quiet = 0
        self.last_progress = -1
        self.hints = Hints(state, rates, hooks)

    async def loop(self) -> None:
        interval = self.state.settings.sample_interval_s
        while not self.done.is_set():
            await asyncio.sleep(interval)
            self.sample()

    def sample(self) -> None:
        now = time.perf_counter()
        self._block_fracs(now)
        self._edge_rates(now)
        self._check_quiescence()
        self.stopper.check_store()
        self.hints.check(now)
        self.hooks.on_sample(run_id=self.state.run_id, view=self.view)

    def _block_fracs(self, now: float) -> None:
        for name, history in self.block_history.items():
            totals = self.view.block_ms_total(name)
            history.append((now, totals))
            while len(history) > 2 and now - history[0][0] > WINDOW_S:
                history.popleft()
            old = history[0][1]
            spent = {a: totals[a] - old[a] for a in ACTIVITY_TIMES}
            whole = sum(spent.values())
            self.rates.fracs[name] = {
                a: (spent[a] / whole if whole > 0 else 0.0) for a in ACTIVITY_TIMES
            }

    def _edge_rates(self, now: float) -> None:
        for edge_id, edges in self.state.edges_by_static.items():
            if not edges:
                continue
            values = self.edge_sums[edge_id].values(edges)
            history = self.edge_history[edge_id]
            history.append((now, values))
            while len(history) > 2 and now - history[0][0] > WINDOW_S:
                history.popleft()
            t0, old = history[0]
            dt = now - t0
            if dt <= 0:
                continue
            d = [v - o for v, o in zip(values, old, strict=True)]
            self.rates.edges[edge_id] = {
                "in_items_per_s": d[0] / dt,
                "out_items_per_s": d[1] / dt,
                "in_bytes_per_s": d[2] / dt,
                "out_bytes_per_s": d[3] / dt,
                "bp_frac": min(1.0, d[4] / 1000 / dt),
            }

    def _check_quiescence(self) -> None:
        """SPEC §4.13.2: no block busy, no task in flight, some block not terminal."""
        run = self.state
        moved = run.progress != self.last_progress
        self.last_progress = run.progress
        if moved or run.busy or self.done.is_set() or run.stopping or not any(run.live.values()):
            self.quiet = 0
            return
        self.quiet += 1
        if self.quiet >= run.settings.quiescence_samples:
            self.quiet = 0
            self.detector.check()


class EdgeSums:
    """The counters of one pipeline edge summed over its instance edges, in time linear in
    the edges still moving: a settled edge (one per finished child run) is added to a total
    once, not summed again every sample."""

    def __init__(self) -> None:
        self.settled = [0.0] * 5
        self.moving: list[Edge] = []
        self.seen = 0  # instance edges looked at so far (the list only grows)

    def values(self, edges: Sequence[Edge]) -> tuple[float, ...]:
        """(items_in, items_out, bytes_in, bytes_out, bp_ms) over `edges`."""
        if len(edges) > self.seen:
            self.moving.extend(edges[self.seen :])
            self.seen = len(edges)
        moving: list[Edge] = []
        current = [0.0] * 5
        for e in self.moving:
            if e.settled():
                target = self.settled
            else:
                target = current
                moving.append(e)
            for i, v in enumerate((e.items_in, e.items_out, e.bytes_in, e.bytes_out)):
                target[i] += v
            target[4] += e.bp_ms_now()
        self.moving = moving
        return tuple(s + c for s, c in zip(self.settled, current, strict=True))
