"""Suite-wide: the browser tier runs last, because the sync Playwright API keeps an event
loop on the main thread for the rest of the session."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "/e2e/" in str(item.path))
