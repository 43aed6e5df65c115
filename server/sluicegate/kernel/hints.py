"""Not deadlocks, but surfaced (SPEC §4.13.5): stalls and slow drains, warned once each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sluicegate.kernel.hooks import RunHooks
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.rates import Rates

SLOW_DRAIN_S = 60.0


class Hints:
    def __init__(self, run: RunFacts, rates: Rates, hooks: RunHooks) -> None:
        self.run = run
        self.rates = rates
        self.hooks = hooks
        self.progress: dict[Instance, tuple[tuple[int, int], float]] = {}
        self.high_since: dict[str, float] = {}
        self.warned: set[object] = set()

    def check(self, now: float) -> None:
        self._stalls(now)
        self._slow_drains(now)

    def _stalls(self, now: float) -> None:
        """A block run busy for `stall_warn_s` without reading or emitting an item."""
        limit = self.run.settings.stall_warn_s
        for inst in list(self.run.running):
            io = (inst.io.items_in, inst.io.items_out)
            seen = self.progress.get(inst)
            if inst.activity != "busy" or seen is None or seen[0] != io:
                self.progress[inst] = (io, now)
                continue
            if now - seen[1] >= limit and inst not in self.warned:
                self.warned.add(inst)
                self._warn(
                    f"{inst.uuid} has been busy for {now - seen[1]:.0f} s without reading or "
                    "emitting an item; it may be stuck in its own code (a stall, not a deadlock)",
                    inst.block,
                )
        for inst in [i for i in self.progress if i.terminal]:
            del self.progress[inst]

    def _slow_drains(self, now: float) -> None:
        """HIGH back pressure for 60 s: name the bottleneck downstream (Flink's heuristic)."""
        run = self.run
        for name in run.topology.blocks:
            frac = self.rates.fracs.get(name, {})
            if frac.get("backpressured", 0.0) <= 0.5:
                self.high_since.pop(name, None)
                continue
            since = self.high_since.setdefault(name, now)
            if now - since < SLOW_DRAIN_S or ("drain", name) in self.warned:
                continue
            self.warned.add(("drain", name))
            bottleneck = self._bottleneck(name)
            where = f"; the bottleneck is {bottleneck}" if bottleneck else ""
            self._warn(f"{name} has been back-pressured for over {SLOW_DRAIN_S:.0f} s{where}", name)

    def _bottleneck(self, name: str) -> str | None:
        topology = self.run.topology
        todo, seen = list(topology.downstream(name)), set()
        while todo:
            block = todo.pop(0)
            if block in seen:
                continue
            seen.add(block)
            frac = self.rates.fracs.get(block, {})
            if frac.get("busy", 0.0) > 0.9 and frac.get("backpressured", 0.0) < 0.1:
                return f"{block} (busy {frac['busy']:.0%})"
            todo.extend(topology.downstream(block))
        return None

    def _warn(self, message: str, block: str | None) -> None:
        self.hooks.on_warning(run_id=self.run.run_id, message=message, block=block)
