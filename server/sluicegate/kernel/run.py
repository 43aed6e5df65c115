"""One run of a pipeline: block runs, their start, their end, and the run's end.

All run state lives on one asyncio loop (DESIGN: one scheduler owns all run state); user
code runs on the worker pool through `Driver`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sluicegate.blocks.loader import LoadedBlock
from sluicegate.errors import Cancelled, RunError, UpstreamError
from sluicegate.graph.constraint import parse_constraint
from sluicegate.graph.topology import Topology
from sluicegate.kernel.addons import CONDITION_FAILED, ConditionFailed, skipped_by_condition
from sluicegate.kernel.block_tests import run_tests
from sluicegate.kernel.callbacks import run_callbacks
from sluicegate.kernel.context import BlockContext, BlockLogger
from sluicegate.kernel.driver import Driver
from sluicegate.kernel.edge import Edge
from sluicegate.kernel.executors.choose import Executors
from sluicegate.kernel.executors.messages import WorkerError
from sluicegate.kernel.fanout import Combo, Fanout, Partition
from sluicegate.kernel.handback import Handback
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.instance import Instance
from sluicegate.kernel.isolation import copy_value, where_of
from sluicegate.kernel.logs import LogSink, RunLog
from sluicegate.kernel.mage_kwargs import mage_kwargs
from sluicegate.kernel.mage_lineage import add_to_reduce, lineage_names, next_meta
from sluicegate.kernel.outlet import Outlet
from sluicegate.kernel.plan import BlockPlan
from sluicegate.kernel.ports_log import port_line
from sluicegate.kernel.remote_driver import RemoteDriver
from sluicegate.kernel.slots import Slots
from sluicegate.kernel.state import RunState, block_phase
from sluicegate.kernel.stopping import Stopper
from sluicegate.kernel.store_port import RunStore
from sluicegate.kernel.tracebacks import user_line, user_traceback
from sluicegate.kernel.waiters import Waiters, wait_any
from sluicegate.protocol.vocab import BlockPhase, ErrorDict, error_info

Replay = Callable[[str, str], "list[Any] | None"]
"""(block, uuid) -> the stored output of that block run to reuse, or None to run it."""


class Run:
    def __init__(
        self,
        topology: Topology,
        loaded: dict[str, LoadedBlock],
        plans: dict[str, BlockPlan],
        *,
        run_id: str,
        variables: dict[str, Any],
        hooks: RunHooks,
        store: RunStore | None,
        spill_dir: Path | None,
        replay: Replay | None = None,
    ) -> None:
        self.replay = replay
        self.topology = topology
        self.settings = topology.settings
        self.loaded = loaded
        self.plans = plans
        self.run_id = run_id
        self.variables = variables
        self.hooks = hooks
        self.store = store
        self.spill_dir = spill_dir
        fanouts = {
            name: Fanout(name, node.match, tuple(bool(c) for c in plans[name].contributions))
            for name, node in topology.blocks.items()
        }
        self.state = RunState(topology, plans, fanouts, run_id=run_id)
        self.input_index = {
            e.id: i for node in topology.blocks.values() for i, e in enumerate(node.inputs)
        }
        self.constraints = {
            name: parse_constraint(node.start_constraint)
            for name, node in topology.blocks.items()
            if node.start_constraint
        }
        self.phase_waiters = Waiters()
        self.slots = Slots(
            self.settings.max_running,
            drain_first=self.settings.drain_first,
            reserve={name: plan.child_levels_below for name, plan in plans.items()},
        )
        self.stopper = Stopper(self.state, self, slots=self.slots, store=store)
        self.logged_ports: set[str] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.done = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        log_sink: LogSink | None = getattr(store, "log_sink", None)
        self.logs = RunLog(
            run_id,
            max_bytes=self.settings.log_max_bytes,
            max_lines=self.settings.log_max_lines,
            sink=log_sink,
            hooks=hooks,
            loop=self.loop,
        )
        self.pool: concurrent.futures.Executor = concurrent.futures.ThreadPoolExecutor(
            self.settings.max_threads, thread_name_prefix="sluicegate"
        )
        self.handback = Handback(self.loop)  # workers' results back to the loop, batched
        self.executors = Executors(topology, run_id, variables, self.state.ran_on)

    # ---- creating block runs ----------------------------------------------------------
    def start(self) -> None:
        for name, node in self.topology.blocks.items():
            if not node.inputs:
                self.state.fanouts[name].final = True
                self._create(name, (), [])
        self.refresh()

    def _create(self, block: str, key: tuple[int, ...], parts: list[Partition]) -> None:
        node, plan = self.topology.blocks[block], self.plans[block]
        inst = Instance(node, self.loaded[block], key, plan.topo_index)
        inst.names, inst.meta = lineage_names(key, parts)
        inst.log = self.logs.open(inst)
        on_item = functools.partial(self._on_item, inst) if node.dynamic else None
        writer = self.store.open(inst) if self.store else None
        ports = [out.src_port for out in node.outputs]
        inst.outlet = Outlet(
            retain=plan.retain,
            on_item=on_item,
            max_pending=node.max_pending_children,
            fanout=len(node.outputs),
            store=writer,
            share=node.share_outputs,
            where=where_of(block, inst.uuid, ports),
        )
        inst.parts = parts
        for static, part in zip(node.inputs, parts, strict=True):
            src = part.producer.uuid if part.producer else static.src
            edge_id = f"{src}.{static.src_port}->{inst.uuid}.{static.dst_port}"
            if part.stream:
                edge = Edge(edge_id, static.id, static.config, spill_dir=self.spill_dir)
                edge.tolerate_error = static.tolerate_upstream_error
                edge.producer, edge.consumer = part.producer, inst
                assert part.producer is not None and part.producer.outlet is not None
                part.producer.outlet.attach(edge)
            else:
                edge = Edge(edge_id, static.id, None)
                edge.exchange = static.config.exchange.value
                edge.producer, edge.consumer = part.producer, inst
                if part.error is not None:
                    edge.fail(part.error)
                else:  # every child run gets its own copy of the item (SPEC §4.11.1)
                    where = where_of(static.src, src, [static.src_port])
                    value = part.value if part.share else copy_value(part.value, where)
                    edge.put([value], 0.0, 1)
                    edge.close()
                    if len(node.inputs) == 1:  # never combined again: do not keep every
                        part.value = None  # item of the parent until the run ends
            inst.inputs.append(edge)
            self.state.edges_by_static[static.id].append(edge)
        self.state.by_block[block].append(inst)
        self.state.live[block] += 1
        self.state.counts[block]["created"] += 1
        task = self.loop.create_task(self._life(inst))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        if not node.dynamic and not node.reduce_output:
            for out in node.outputs:
                part = Partition(key, inst, True, names=inst.names)
                self._offer(out.dst, self.input_index[out.id], part)

    def _offer(self, block: str, index: int, part: Partition) -> None:
        if self.state.stopping:
            return
        combos: list[Combo] = self.state.fanouts[block].add(index, part)
        for key, parts in combos:
            self._create(block, key, parts)

    def _on_item(self, parent: Instance, index: int, item: Any) -> None:
        """A dynamic block emitted its `index`-th item: one partition per downstream block."""
        node = parent.node
        meta, name = next_meta(parent)
        if node.max_children is not None and index >= node.max_children:
            if node.on_max_children == "truncate":
                return
            raise RunError(  # found while running: the count is data, not plan
                f"block '{node.name}' emitted more than max_children={node.max_children} items; "
                "raise max_children or set on_max_children: truncate"
            )
        for edge in node.outputs:
            self._offer(
                edge.dst,
                self.input_index[edge.id],
                Partition(
                    (*parent.key, index),
                    parent,
                    False,
                    item,
                    share=node.share_outputs,
                    names=(*(parent.names or (None,) * len(parent.key)), name),
                    meta=meta,
                ),
            )

    # ---- finality and reduce ----------------------------------------------------------
    def refresh(self) -> None:
        """Close inputs whose upstream will offer no more partitions; reduce finished levels;
        end the run when nothing is left (SPEC §4.10.1, §4.10.4, §4.8.3)."""
        for name, node in self.topology.blocks.items():
            fanout = self.state.fanouts[name]
            for index, edge in enumerate(node.inputs):
                if fanout.inputs_final[index]:
                    continue
                src = self.topology.blocks[edge.src]
                upstream = self.state.fanouts[edge.src]
                if self.state.stopping:
                    closed = True
                elif src.dynamic:
                    closed = upstream.final and self.state.live[src.name] == 0
                elif src.reduce_output:
                    closed = src.name in self.state.reduced
                else:
                    closed = upstream.final
                if closed and fanout.close_input(index) and self.plans[name].replicated:
                    self.hooks.on_children_final(
                        run_id=self.run_id, block=name, expected=len(self.state.by_block[name])
                    )
            if (
                node.reduce_output
                and fanout.final
                and not self.state.live[name]
                and name not in self.state.reduced
            ):
                self.state.reduced.add(name)
                if not self.state.stopping:
                    self._reduce(name)
        if all(f.final for f in self.state.fanouts.values()) and not any(self.state.live.values()):
            self.done.set()

    def _reduce(self, block: str) -> None:
        """Deliver each lineage group's outputs, in key order, as one item (SPEC §4.10.4)."""
        node, plan = self.topology.blocks[block], self.plans[block]
        groups: dict[tuple[int, ...], list[Any]] = {} if len(plan.levels) > 1 else {(): []}
        errors: dict[tuple[int, ...], BaseException] = {}
        names: dict[tuple[int, ...], tuple[str | None, ...]] = {}
        for inst in sorted(self.state.by_block[block], key=lambda i: i.key):
            group = groups.setdefault(inst.key[:-1], [])
            names.setdefault(inst.key[:-1], inst.names[:-1])
            if inst.phase == "succeeded":
                add_to_reduce(group, inst, plan.single_output)  # Mage flattens lists
            elif node.on_child_failure == "none_fill":
                group.append(None)
            elif node.on_child_failure == "fail" and inst.phase != "skipped":
                errors[inst.key[:-1]] = UpstreamError(
                    f"child {inst.uuid} of reduce '{block}' {inst.phase}"
                )
        for edge in node.outputs:
            for prefix, values in groups.items():
                part = Partition(prefix, None, False, values, errors.get(prefix))
                part.share = node.share_outputs
                part.names = names.get(prefix, ())
                self._offer(edge.dst, self.input_index[edge.id], part)

    # ---- a block run's life -----------------------------------------------------------
    async def _life(self, inst: Instance) -> None:
        replayed = self.replay(inst.block, inst.uuid) if self.replay else None
        if replayed is not None:
            await self._replay(inst, replayed)
            return
        try:
            await self._await_start(inst)
            if not self.slots.try_take(inst):
                self.set_phase(
                    inst, "ready", reason="slot", waiting_on={"slot": self.slots.cap_name(inst)}
                )
                await self.slots.wait(inst)
            self._take_parts(inst)
            self._log_ports(inst)
            self.set_phase(inst, "running")
            inst.set_activity("busy")
            captured = await self._driver(inst).execute()
            if inst.loaded.tests:
                single = self.plans[inst.block].single_output
                await run_tests(self, inst, captured, single_output=single)
            await run_callbacks(self, inst, "success", None)
            self.finish(inst, "succeeded")
        except ConditionFailed:
            self.finish(inst, "skipped", reason=CONDITION_FAILED)
        except Cancelled:
            await run_callbacks(self, inst, "cancelled", None)
            if inst.deadlock_error is not None:
                self.finish(inst, "failed", inst.deadlock_error)
            else:
                self.finish(inst, inst.stop_phase)
        except UpstreamError as exc:
            if skipped_by_condition(inst):  # Mage: downstream of a false condition is skipped
                self.finish(inst, "skipped", reason=CONDITION_FAILED)
            else:
                self.finish(inst, "upstream_failed", _error(exc, with_traceback=False))
        except _Skip:
            self.finish(inst, "skipped", reason="constraint_unsatisfiable")
        except BaseException as exc:  # user code: anything may be raised
            if isinstance(exc, Exception):
                await run_callbacks(self, inst, "failure", exc)
            self.finish(inst, "failed", _error(exc, path=inst.node.path))
            if not self.plans[inst.block].accepts_child_failure:  # on_child_failure (§4.12)
                self.stopper.on_failure(inst)

    def _driver(self, inst: Instance) -> Driver:
        single = list(self.plans[inst.block].single_inputs)
        pool = self.executors.pool_for(inst.block)
        if pool is None:
            return Driver(self, inst, single)
        return RemoteDriver(self, inst, single, pool, self.executors)

    async def _replay(self, inst: Instance, items: list[Any]) -> None:
        """Re-run from failed blocks: emit the stored output of a run that succeeded before
        instead of running its code again."""
        try:
            if not self.slots.try_take(inst):
                await self.slots.wait(inst)
            self.set_phase(inst, "running", reason="reused")
            driver = Driver(self, inst, list(self.plans[inst.block].single_inputs))
            await driver.replay(items)
            self.finish(inst, "succeeded", reason="reused")
        except Cancelled:
            self.finish(inst, inst.stop_phase)
        except BaseException as exc:
            self.finish(inst, "failed", _error(exc))
            self.stopper.on_failure(inst)

    async def _await_start(self, inst: Instance) -> None:
        """Wait for the start rule, batch inputs and start constraint (SPEC §4.8)."""
        node, plan = inst.node, self.plans[inst.block]
        calls_once = all(plan.single_inputs) and not (
            node.stream or node.collect or inst.loaded.wants_stream
        )
        constraint = self.constraints.get(inst.block)
        while True:
            if inst.cancel_requested:
                raise Cancelled(inst.uuid)
            for edge in inst.inputs:
                if edge.error is not None and not edge.fill_items and not edge.tolerate_error:
                    raise UpstreamError(f"upstream of {edge.id} failed: {edge.error}")
            waits: list[Waiters] = [inst.phase_changed]
            batch = [
                e.producer
                for e in inst.inputs
                if e.exchange == "blocking" and e.producer and e.producer.phase != "succeeded"
            ]
            ready = [e.ready_for_consumer() for e in inst.inputs]
            if batch:
                reason, waiting_on = "batch_inputs", {"blocks": sorted({p.uuid for p in batch})}
                waits += [p.phase_changed for p in batch]
            elif (
                constraint is not None
                and (verdict := constraint.evaluate(self.block_phases(constraint.blocks)))
                is not True
            ):
                if verdict is False:
                    raise _Skip()
                reason, waiting_on = "start_constraint", {"blocks": sorted(constraint.blocks)}
                waits.append(self.phase_waiters)
            elif (
                inst.inputs
                and not node.eager_start
                and not (all(ready) if calls_once else any(ready))
            ):
                reason, waiting_on = (
                    "start_rule",
                    {
                        "ports": [
                            e.static_id for e, r in zip(inst.inputs, ready, strict=True) if not r
                        ]
                    },
                )
                waits += [e.readable for e in inst.inputs]
            else:
                return
            self.set_phase(inst, "waiting", reason=reason, waiting_on=waiting_on)
            await wait_any(waits)

    def _take_parts(self, inst: Instance) -> None:
        """The run consumed its dynamic items: their parents may emit more (SPEC §4.10.5)."""
        for part in inst.parts:
            if not part.stream and not part.taken and part.producer and part.producer.outlet:
                part.taken = True
                part.producer.outlet.consumed()

    def finish(
        self,
        inst: Instance,
        phase: BlockPhase,
        error: ErrorDict | None = None,
        reason: str | None = None,
    ) -> None:
        assert inst.outlet is not None
        if inst.terminal:  # abandoned after a forced cancel; its thread returned late
            return
        if phase == "succeeded":
            inst.outlet.close()
        else:
            inst.outlet.fail(UpstreamError(f"{inst.uuid} {phase}"))
        for edge in inst.inputs:
            if not edge.at_eos():
                edge.cancel()
        self._take_parts(inst)
        self.slots.release(inst)
        if inst.outlet.store is not None:
            inst.outlet.store.finish(phase, error)
        if inst.log is not None:
            self.logs.finished(inst.log)
        self.set_phase(inst, phase, reason=reason, error=error)
        self.refresh()

    # ---- phases -----------------------------------------------------------------------
    def set_phase(
        self,
        inst: Instance,
        to: BlockPhase,
        *,
        reason: str | None = None,
        waiting_on: dict[str, Any] | None = None,
        error: ErrorDict | None = None,
    ) -> None:
        frm = inst.phase
        if inst.terminal or (frm == to and inst.reason == reason):
            return
        self.state.progress += 1
        now = time.perf_counter()
        inst.phase, inst.reason, inst.waiting_on, inst.phase_since = to, reason, waiting_on, now
        if error is not None:
            inst.error = error
        counts = self.state.counts[inst.block]
        counts[frm] -= 1
        counts[to] += 1
        if to == "running":
            inst.started_t = now
            self.state.running.add(inst)
        if inst.terminal:
            inst.finished_t = now
            inst.set_activity(None)
            self.state.live[inst.block] -= 1
            self.state.running.discard(inst)
            self.state.done_totals[inst.block].add(inst)
        self.hooks.on_phase(
            run_id=self.run_id,
            block=inst.block,
            uuid=inst.uuid,
            key=inst.key,
            from_phase=frm,
            to_phase=to,
            reason=reason,
            waiting_on=waiting_on,
            error=error,
            t=time.time(),
        )
        inst.phase_changed.wake()
        if self.constraints:
            self.phase_waiters.wake()

    def block_phases(self, names: Iterable[str]) -> dict[str, str]:
        return {name: block_phase(self.state, name) for name in names}

    # ---- services for drivers -----------------------------------------------------------
    def kwargs_for(self, inst: Instance) -> dict[str, Any]:
        """Runtime variables, `logger` and `context`. A variable named like one of the
        function's input parameters is left out (it stays in `context.variables`)."""
        taken = inst.loaded.positional
        kwargs = {k: v for k, v in self.variables.items() if k not in taken}
        plan = self.plans[inst.block]
        kwargs.update(
            mage_kwargs(
                self.topology, plan, inst, started_epoch=self.state.started_epoch, variables=kwargs
            )
        )
        kwargs["logger"] = BlockLogger(inst, inst.log)
        kwargs["context"] = BlockContext(inst, self.run_id, self.variables)
        kwargs["run_id"] = self.run_id
        kwargs["block_uuid"] = inst.uuid
        if inst.meta:  # Mage passes a dynamic item's metadata as kwargs, last
            kwargs.update((k, v) for k, v in inst.meta.items() if k not in taken)
        return kwargs

    def _log_ports(self, inst: Instance) -> None:
        for edge in inst.inputs:
            if edge.static_id in self.logged_ports or edge.mode_source == "dynamic item":
                continue
            self.logged_ports.add(edge.static_id)
            line, port = port_line(inst.block, edge)
            self.hooks.on_port_resolved(run_id=self.run_id, line=line, port=port)


class _Skip(Exception):
    """The start constraint can never hold."""


def _error(
    exc: BaseException, *, with_traceback: bool = True, path: Path | None = None
) -> ErrorDict:
    if isinstance(exc, WorkerError):  # raised in a worker: its traceback came as text
        failure = exc.failure
        return error_info(
            failure.type,
            failure.message,
            traceback=failure.traceback if with_traceback else None,
            line=failure.line,
        )
    return error_info(
        type(exc).__name__,
        str(exc),
        traceback=user_traceback(exc) if with_traceback else None,
        line=user_line(exc, path) if path is not None else None,
    )
