"""Mage's runtime around a block function: `@sensor` repeated until it returns true,
`@condition` functions that skip the block, and the arguments its callbacks get.

    block = with_addons(loaded, node, conditions=[...], callbacks=[...])

The wrapped function is what the driver calls, so a condition and a sensor see exactly the
upstream outputs and kwargs the block function sees (as in Mage: `condition(*inputs,
**kwargs)`, `sensor(**kwargs)`). The arguments of the block run's last call are kept for
its callbacks (`callback_args`), which `kernel.callbacks` calls once the run has ended.
"""

from __future__ import annotations

import inspect
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sluicegate.blocks.decorators import Callback
from sluicegate.blocks.loader import LoadedBlock
from sluicegate.errors import Cancelled, RunError
from sluicegate.graph.topology import BlockNode

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance

Fn = Callable[..., Any]
CONDITION_FAILED = "condition_failed"
"""The reason of a block run skipped by a false condition, and of its downstream runs."""

_ARGS: dict[tuple[str, str], tuple[Any, ...]] = {}
_ARGS_LOCK = threading.Lock()


class ConditionFailed(Exception):
    """A @condition returned false: the block run and its downstream are skipped."""


class SensorTimeout(RunError):
    """A sensor did not return true within `sensor_timeout_s`."""


def skipped_by_condition(inst: Instance) -> bool:
    """True when an upstream of `inst` was skipped by a false condition."""
    return any(
        e.producer is not None
        and e.producer.phase == "skipped"
        and e.producer.reason == CONDITION_FAILED
        for e in inst.inputs
    )


def callback_args(run_id: str, uuid: str) -> tuple[Any, ...]:
    """The upstream outputs the block run was last called with (forgotten once read)."""
    with _ARGS_LOCK:
        return _ARGS.pop((run_id, uuid), ())


def with_addons(
    loaded: LoadedBlock,
    node: BlockNode,
    *,
    conditions: list[Fn] | None = None,
    callbacks: list[Callback] | None = None,
) -> LoadedBlock:
    """`loaded` with its sensor loop, conditions and add-on callbacks in place."""
    all_conditions = [*loaded.conditions, *(conditions or [])]
    all_callbacks = (*loaded.callbacks, *(callbacks or []))
    if loaded.kind != "sensor" and not all_conditions and not all_callbacks:
        return loaded
    fn, takes_kwargs = loaded.fn, loaded.accepts_kwargs
    if loaded.kind == "sensor":
        fn = _sensor(fn, node, takes_kwargs)
        takes_kwargs = True
    wrapped = _guarded(fn, takes_kwargs, all_conditions, node.name, bool(all_callbacks))
    return replace(
        loaded,
        fn=wrapped,
        accepts_kwargs=True,
        conditions=tuple(all_conditions),
        callbacks=all_callbacks,
    )


def _guarded(fn: Fn, takes_kwargs: bool, conditions: list[Fn], block: str, keep_args: bool) -> Fn:
    def block_function(*args: Any, **kwargs: Any) -> Any:
        for condition in conditions:
            if not _holds(condition, args, kwargs, block):
                raise ConditionFailed(
                    f"block '{block}': condition {condition.__name__} returned false; the block "
                    "and its downstream blocks are skipped"
                )
        if keep_args:  # for its callbacks, which read (and forget) them when the run ends
            with _ARGS_LOCK:
                _ARGS[str(kwargs.get("run_id")), str(kwargs.get("block_uuid"))] = args
        return fn(*args, **kwargs) if takes_kwargs else fn(*args)

    block_function.__name__ = getattr(fn, "__name__", "block_function")
    return block_function


def _holds(condition: Fn, args: tuple[Any, ...], kwargs: dict[str, Any], block: str) -> bool:
    """The condition's verdict; one that raises counts as false and is logged, as in Mage."""
    try:
        return bool(call_with(condition, args, kwargs))
    except Exception as exc:
        logger = kwargs.get("logger")
        if logger is not None:
            logger.error(
                f"condition {condition.__name__} of block '{block}' raised "
                f"{type(exc).__name__}: {exc}; counted as false\n{traceback.format_exc()}"
            )
        return False


def call_with(fn: Fn, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """`fn(*args, **kwargs)`, keeping to the parameters `fn` declares: positional arguments
    past its positional parameters, and keywords it neither names nor takes with `**`, are
    left out."""
    params = inspect.signature(fn).parameters.values()
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not any(p.kind is p.VAR_POSITIONAL for p in params):
        args = args[: len(positional)]
    bound = {p.name for p in positional[: len(args)]}
    if any(p.kind is p.VAR_KEYWORD for p in params):
        kwargs = {k: v for k, v in kwargs.items() if k not in bound}
    else:
        named = {p.name for p in params if p.kind is not p.POSITIONAL_ONLY} - bound
        kwargs = {k: v for k, v in kwargs.items() if k in named}
    return fn(*args, **kwargs)


def _sensor(fn: Fn, node: BlockNode, takes_kwargs: bool) -> Fn:
    """Call `fn` every `sensor_interval_s` until it returns true (Mage: every 60 s, for ever);
    fail after `sensor_timeout_s`. Emits nothing, as a Mage sensor's output is empty."""
    interval, timeout = node.sensor_interval_s, node.sensor_timeout_s
    wants_args = any(p.kind is p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())

    def sensor(*args: Any, **kwargs: Any) -> Any:
        start, tries = time.monotonic(), 0
        call_args = args if wants_args else ()
        while True:
            tries += 1
            if fn(*call_args, **kwargs) if takes_kwargs else fn(*call_args):
                return _nothing()
            if tries == 1 and kwargs.get("logger") is not None:
                kwargs["logger"].info(
                    f"sensor {fn.__name__} returned false; checking again every {interval:g} s"
                )
            deadline = start + timeout if timeout is not None else None
            _sleep(interval, deadline, kwargs.get("context"))
            if deadline is not None and time.monotonic() >= deadline:
                raise SensorTimeout(
                    f"sensor block '{node.name}' did not return True within "
                    f"{timeout:g} s ({tries} checks); raise `sensor_timeout_s` or check what "
                    "it waits for"
                )

    return sensor


def _sleep(interval: float, deadline: float | None, context: Any) -> None:
    """Wait `interval` seconds (or until `deadline`), ending early on cancel."""
    until = time.monotonic() + interval
    if deadline is not None:
        until = min(until, deadline)
    wake = threading.Event()
    while (left := until - time.monotonic()) > 0:
        if context is not None and context.cancel_requested:
            raise Cancelled("the sensor was cancelled while waiting")
        wake.wait(min(left, 0.1))


def _nothing() -> Iterator[Any]:
    yield from ()
