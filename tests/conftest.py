"""Suite-wide: the browser tier runs last, because the sync Playwright API keeps an event
loop on the main thread for the rest of the session. Every `ast.parse` in the test process
takes the server's parse lock (see `sluicegate.syntax`): pytest's assertion rewriting parses
modules that the app's threads import lazily, and CPython 3.11's parser must not run in two
threads at once."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from sluicegate import syntax

_parse = ast.parse


def _parse_one_at_a_time(*args: Any, **kwargs: Any) -> Any:
    with syntax.LOCK:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "/e2e/" in str(item.path))
