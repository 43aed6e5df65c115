"""`mage_ai.data_preparation.decorators`: Mage's decorators, for block files that import
them without the `if 'x' not in globals()` guard. While a block file is being loaded they
register with that file's registry, exactly like the injected ones; elsewhere they return
the function unchanged, as Mage's own module does."""

from __future__ import annotations

from typing import Any

from sluicegate.blocks.mage_shim import state

NAMES = (
    "data_loader",
    "transformer",
    "data_exporter",
    "custom",
    "sensor",
    "test",
    "condition",
    "callback",
    "on_success",
    "on_failure",
)


def _delegate(name: str) -> Any:
    def decorator(*args: Any, **kwargs: Any) -> Any:
        registry = getattr(state.loading, "registry", None)
        if registry is not None:
            return registry.globals()[name](*args, **kwargs)
        if name == "callback" and not (args and callable(args[0])):
            return lambda fn: fn  # @callback('success') outside a load
        return args[0]

    decorator.__name__ = decorator.__qualname__ = name
    return decorator


data_loader = _delegate("data_loader")
transformer = _delegate("transformer")
data_exporter = _delegate("data_exporter")
custom = _delegate("custom")
sensor = _delegate("sensor")
test = _delegate("test")
condition = _delegate("condition")
callback = _delegate("callback")
on_success = _delegate("on_success")
on_failure = _delegate("on_failure")

__all__ = list(NAMES)
