"""Lifecycle hooks: telemetry, reports and persistence hang here, not inside the scheduler
(STYLE 5). Every hook takes keyword-only arguments plus `**future_kwargs`, so adding a
field breaks nobody. Hooks run on the scheduler's loop: they must be quick."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sluicegate.protocol.vocab import BlockPhase, ErrorDict

if TYPE_CHECKING:
    from sluicegate.kernel.view import RunView

log = logging.getLogger("sluicegate.kernel")


class RunHooks:
    """Base class: override what you need."""

    def on_run_start(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        """The run started; `view` is a read-only view of its blocks and edges."""

    def on_phase(
        self,
        *,
        run_id: str,
        block: str,
        uuid: str,
        key: tuple[int, ...],
        from_phase: BlockPhase,
        to_phase: BlockPhase,
        reason: str | None,
        waiting_on: dict[str, Any] | None,
        error: ErrorDict | None,
        **future_kwargs: Any,
    ) -> None:
        """A block run changed phase (SPEC §4.7.1). Sent at once, never sampled."""

    def on_port_resolved(
        self, *, run_id: str, line: str, port: dict[str, Any], **future_kwargs: Any
    ) -> None:
        """An input edge's resolved buffer settings, logged when its consumer starts (SPEC §4.5)."""

    def on_children_final(
        self, *, run_id: str, block: str, expected: int, **future_kwargs: Any
    ) -> None:
        """A block's number of child runs is known (SPEC §4.10.1)."""

    def on_deadlock(
        self,
        *,
        run_id: str,
        cycle: list[dict[str, Any]],
        message: str,
        suggestion: dict[str, Any] | None,
        action: str,
        **future_kwargs: Any,
    ) -> None:
        """A wait-for cycle was found (SPEC §4.13.3)."""

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **future_kwargs: Any
    ) -> None:
        """A line of a block run's log (`future_kwargs` has `stream`: log, stdout or stderr,
        and `t`): `logger` calls and `print()` output, as kept in the run's log (bounded per
        block run). Lines come in batches, a little after they were written."""

    def on_warning(
        self, *, run_id: str, message: str, block: str | None, **future_kwargs: Any
    ) -> None:
        """A stall or a slow drain (SPEC §4.13.5)."""

    def on_sample(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        """Every sample interval (100 ms): read counters from `view`."""

    def on_run_end(
        self, *, run_id: str, status: str, error: str | None, view: RunView, **future_kwargs: Any
    ) -> None:
        """The run ended: every block run is terminal."""


class HookList(RunHooks):
    """Calls every hook in order. A hook that raises is logged once and switched off for
    the rest of the run, and the other hooks get a warning that says so: a broken hook
    (a metrics file that cannot be written) never stops the run, its sampling or its
    deadlock detection."""

    def __init__(self, hooks: list[RunHooks]) -> None:
        self.hooks = list(hooks)

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            hook_list: HookList = self

            def call_all(**kwargs: Any) -> None:
                for hook in list(object.__getattribute__(hook_list, "hooks")):
                    try:
                        getattr(hook, name)(**kwargs)
                    except Exception as exc:
                        hook_list._switch_off(hook, name, exc, kwargs.get("run_id", ""))

            return call_all
        return object.__getattribute__(self, name)

    def _switch_off(self, hook: RunHooks, method: str, exc: Exception, run_id: str) -> None:
        hooks: list[RunHooks] = object.__getattribute__(self, "hooks")
        if hook not in hooks:
            return
        hooks.remove(hook)
        message = (
            f"run hook {type(hook).__name__} failed in {method}: {type(exc).__name__}: {exc}; "
            "it is switched off for the rest of the run (the run goes on)"
        )
        log.error("%s", message)
        log.debug("the error of run hook %s", type(hook).__name__, exc_info=exc)
        self.on_warning(run_id=run_id, message=message, block=None)
