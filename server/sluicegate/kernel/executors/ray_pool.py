"""The `ray` executor: block runs hosted by Ray actors spread over a cluster.

One actor per CPU of the cluster (`num_cpus=1` each, placed with the SPREAD strategy), each
a threaded actor hosting many block runs with the same `Host` as a worker process. A call
carries its commands pickled (protocol 5) so that the actor loads the run's block files
before unpickling values of classes defined there. Log lines and `print()` output come back
with each answer. An actor whose node is lost fails the calls it had (Ray raises
`ActorDiedError`/`RayActorError`), which become `WorkerLost` for the block run.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import time
from typing import Any

import ray

from sluicegate.kernel.executors.host import Host
from sluicegate.kernel.executors.messages import Failure, RunContext, WorkerLost
from sluicegate.kernel.executors.remote import SINKS, Settle

PROTOCOL = 5
ACTOR_CONCURRENCY = 256


class HostActor:
    """Lives in a Ray worker process: a `Host` and the notes it collected since the last
    answer."""

    def __init__(self) -> None:
        self._notes: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self.host = Host(self._note)
        context = ray.get_runtime_context()
        self.node_id = context.get_node_id()
        self.ip = ray.util.get_node_ip_address()

    def where(self) -> tuple[str, str]:
        return self.node_id, self.ip

    def pid(self) -> int:
        return os.getpid()

    def call(self, rid: str, ctx: RunContext, payload: bytes) -> bytes:
        try:
            self.host.ensure(ctx)
            result = self.host.call(rid, pickle.loads(payload))
        except BaseException as exc:  # a value that does not unpickle here
            result = Failure.of(exc, None)
        with self._lock:
            notes, self._notes = self._notes, []
        try:
            return pickle.dumps((result, notes), protocol=PROTOCOL)
        except Exception as exc:
            failure = Failure(
                type(exc).__name__,
                f"block run {rid}: an output cannot be sent from its Ray actor ({exc}); blocks "
                "on `executor: ray` must emit values that pickle",
                "",
                None,
            )
            return pickle.dumps((failure, notes), protocol=PROTOCOL)

    def cancel(self, rid: str) -> None:
        self.host.cancel(rid)

    def interrupt(self, rid: str) -> None:
        self.host.interrupt(rid)

    def end_run(self, run_id: str) -> None:
        self.host.end_run(run_id)

    def _note(self, note: tuple[Any, ...]) -> None:
        with self._lock:
            self._notes.append(note)


_RemoteHost = ray.remote(HostActor)


class RayWorker:
    def __init__(self, pool: RayPool, actor: Any, node_id: str, ip: str) -> None:
        self.pool = pool
        self.actor = actor
        self.node_id = node_id
        self.where = f"ray node {ip} ({node_id[:8]})"
        self.alive = True
        self.hosted: set[str] = set()

    @property
    def load(self) -> int:
        return len(self.hosted)

    def submit(self, rid: str, ctx: RunContext, ops: list[tuple[Any, ...]], settle: Settle) -> None:
        if not self.alive:
            settle(None, self._lost(rid, "it was lost earlier"))
            return
        try:
            payload = pickle.dumps(ops, protocol=PROTOCOL)
        except Exception as exc:
            settle(None, WorkerLost(f"block run {rid}: a value does not pickle ({exc})"))
            return
        self.hosted.add(rid)
        future = self.actor.call.remote(rid, ctx, payload).future()
        future.add_done_callback(lambda f: self._answered(f, rid, settle))

    def _answered(self, future: Any, rid: str, settle: Settle) -> None:
        try:
            data = future.result()
        except (ray.exceptions.RayActorError, ray.exceptions.ActorDiedError) as exc:
            self.alive = False
            self.pool.lost(self)
            settle(None, self._lost(rid, _first_line(exc)))
            return
        except Exception as exc:  # the node's object store lost the answer, ...
            settle(None, self._lost(rid, _first_line(exc)))
            return
        result, notes = pickle.loads(data)
        for note in notes:
            SINKS.note(*note)
        settle(result, None)

    def cancel(self, rid: str) -> None:
        if self.alive:
            self.actor.cancel.remote(rid)

    def interrupt(self, rid: str) -> None:
        if self.alive:
            self.actor.interrupt.remote(rid)

    def release(self, rid: str) -> None:
        self.hosted.discard(rid)

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            self.pool.lost(self)
            ray.kill(self.actor)

    def _lost(self, rid: str, why: str) -> WorkerLost:
        block_run = rid.split("/", 1)[-1]
        return WorkerLost(f"block run {block_run}: its Ray actor on {self.where} was lost ({why})")


class RayPool:
    name = "ray"

    def __init__(self, address: str | None) -> None:
        self.address = address
        self.workers: list[RayWorker] = []
        self.cluster_start_s: float | None = None
        self.cluster_pids: set[int] = set()
        self.actor_pids: set[int] = set()  # the processes of the actors placed at start
        self._lock = threading.Lock()

    def start(self) -> None:
        """Connect to the cluster (or start a local one) and place one actor per CPU."""
        with self._lock:
            if self.workers:
                return
            started = time.perf_counter()
            if not ray.is_initialized():
                before = _children()
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    configure_logging=False,
                    log_to_driver=False,
                    ignore_reinit_error=True,
                )
                self.cluster_pids = _children() - before  # a local cluster started here
            cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
            self.workers = self._place(cpus)
            self.actor_pids = set(ray.get([w.actor.pid.remote() for w in self.workers]))
            self.cluster_pids |= self.actor_pids
            self.cluster_start_s = time.perf_counter() - started

    def _place(self, count: int) -> list[RayWorker]:
        actors = [
            _RemoteHost.options(
                num_cpus=1, max_concurrency=ACTOR_CONCURRENCY, scheduling_strategy="SPREAD"
            ).remote()
            for _ in range(count)
        ]
        wheres = ray.get([a.where.remote() for a in actors])  # type: ignore[attr-defined]
        return [RayWorker(self, a, node, ip) for a, (node, ip) in zip(actors, wheres, strict=True)]

    def pick(self) -> RayWorker:
        self.start()
        with self._lock:
            live = [w for w in self.workers if w.alive]
        if not live:
            raise WorkerLost("no Ray actor is left: every node of the cluster was lost")
        return min(live, key=lambda w: w.load)

    def lost(self, worker: RayWorker) -> None:
        """Forget a dead actor; place another where the cluster has room (in the background:
        its node may be gone, and placing waits for resources)."""
        with self._lock:
            if worker not in self.workers:
                return
            self.workers.remove(worker)

        def replace() -> None:
            try:
                (fresh,) = self._place(1)
            except Exception:  # no room left on the cluster: run on the actors that remain
                return
            with self._lock:
                self.workers.append(fresh)

        threading.Thread(target=replace, name="ray replace actor", daemon=True).start()

    def end_run(self, run_id: str) -> None:
        for worker in list(self.workers):
            if worker.alive:
                worker.actor.end_run.remote(run_id)

    def shutdown(self) -> None:
        with self._lock:
            workers, self.workers = self.workers, []
        if not ray.is_initialized():  # Ray's own exit handler came first
            return
        for worker in workers:
            if worker.alive:
                with contextlib.suppress(Exception):
                    ray.kill(worker.actor)
        ray.shutdown()


def _children() -> set[int]:
    """This process's descendants (the processes `ray.init` starts for a local cluster)."""
    try:
        import psutil
    except ImportError:  # only the kernel process's cleanup needs these
        return set()
    return {p.pid for p in psutil.Process().children(recursive=True)}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()
