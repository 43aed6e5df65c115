"""Mage-compatible decorators, injected into a block module's globals before it runs
(SPEC decision 4), so Mage's `if 'transformer' not in globals()` guard is skipped and
`mage_ai` is never imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BLOCK_KINDS = ("data_loader", "transformer", "data_exporter", "custom", "sensor")


@dataclass
class Registry:
    """What a block module registered while it was executed."""

    blocks: list[tuple[str, Callable[..., Any]]] = field(default_factory=list)
    tests: list[Callable[..., Any]] = field(default_factory=list)

    def globals(self) -> dict[str, Any]:
        names: dict[str, Any] = {kind: self._block_decorator(kind) for kind in BLOCK_KINDS}
        names["test"] = self._test
        return names

    def _block_decorator(self, kind: str) -> Callable[..., Any]:
        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.blocks.append((kind, fn))
            return fn

        decorator.__name__ = kind
        return decorator

    def _test(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.tests.append(fn)
        return fn
