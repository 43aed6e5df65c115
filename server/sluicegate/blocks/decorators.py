"""Mage-compatible decorators, injected into a block module's globals before it runs
(SPEC decision 4), so Mage's `if 'transformer' not in globals()` guard is skipped and
`mage_ai` is never imported.

Besides the block kinds and `@test`, the add-on decorators of Mage are injected too:
`@condition` (the block runs only when every condition returns true), `@callback('success')`
/ `@callback('failure')` and the older `@on_success` / `@on_failure`. They work in a
condition or callback file attached with `conditions:` / `callbacks:` in pipeline.yaml (as
Mage's `conditionals/` and `callbacks/` add-on blocks) and in the block's own file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BLOCK_KINDS = ("data_loader", "transformer", "data_exporter", "custom", "sensor")
CALLBACK_STATUSES = ("success", "failure", "cancelled")

Fn = Callable[..., Any]


@dataclass(frozen=True)
class Callback:
    """A callback function: `status` is success, failure or cancelled. `legacy` ones
    (`@on_success`, `@on_failure`) get keyword arguments only, as in Mage."""

    status: str
    fn: Fn
    legacy: bool = False


@dataclass
class Registry:
    """What a block module (or an add-on file) registered while it was executed."""

    blocks: list[tuple[str, Fn]] = field(default_factory=list)
    tests: list[Fn] = field(default_factory=list)
    conditions: list[Fn] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)

    def globals(self) -> dict[str, Any]:
        names: dict[str, Any] = {kind: self._block_decorator(kind) for kind in BLOCK_KINDS}
        names["test"] = self._collect(self.tests, "test")
        names["condition"] = self._collect(self.conditions, "condition")
        names["on_success"] = self._on("success", "on_success")
        names["on_failure"] = self._on("failure", "on_failure")
        names["callback"] = self._callback
        return names

    def _block_decorator(self, kind: str) -> Fn:
        def decorator(fn: Fn) -> Fn:
            self.blocks.append((kind, fn))
            return fn

        decorator.__name__ = kind
        return decorator

    @staticmethod
    def _collect(into: list[Fn], name: str) -> Fn:
        def decorator(fn: Fn) -> Fn:
            into.append(fn)
            return fn

        decorator.__name__ = name
        return decorator

    def _on(self, status: str, name: str, *, legacy: bool = True) -> Fn:
        def decorator(fn: Fn) -> Fn:
            self.callbacks.append(Callback(status, fn, legacy))
            return fn

        decorator.__name__ = name
        return decorator

    def _callback(self, status: Any = "success") -> Any:
        """`@callback('success')`, `@callback('failure')`, `@callback('cancelled')`; a bare
        `@callback` is a success callback, as in Mage."""
        if callable(status):
            self.callbacks.append(Callback("success", status))
            return status
        if status not in CALLBACK_STATUSES:
            raise ValueError(
                f"@callback({status!r}): the status must be one of "
                f"{', '.join(repr(s) for s in CALLBACK_STATUSES)}"
            )
        return self._on(status, "callback", legacy=False)
