"""Lifecycle hooks: telemetry, reports and persistence hang here, not inside the scheduler
(STYLE 5). Every hook takes keyword-only arguments plus `**future_kwargs`, so adding a
field breaks nobody. Hooks run on the scheduler's loop: they must be quick."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.kernel.view import RunView


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
        from_phase: str,
        to_phase: str,
        reason: str | None,
        waiting_on: dict[str, Any] | None,
        error: dict[str, Any] | None,
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
        """A block's logger wrote a line."""

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
    """Calls every hook in order."""

    def __init__(self, hooks: list[RunHooks]) -> None:
        self.hooks = hooks

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            hooks = object.__getattribute__(self, "hooks")

            def call_all(**kwargs: Any) -> None:
                for hook in hooks:
                    getattr(hook, name)(**kwargs)

            return call_all
        return object.__getattribute__(self, name)
