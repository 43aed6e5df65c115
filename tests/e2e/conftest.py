"""Browser tier: a real server on a free port, driven by Debian's chromium via Playwright.

`playwright install` cannot download browsers here, so the launch uses /usr/bin/chromium
(override with SLUICEGATE_CHROMIUM). Screenshots land in test-artifacts/ when
SLUICEGATE_SCREENSHOTS=1, for looking at what a user sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CHROMIUM, Server, make_workspace


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(
            reason=f"no chromium at {CHROMIUM}; run make test, which installs it"
        )
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


@pytest.fixture
def server(tmp_path: Path, context: Any) -> Iterator[Server]:
    """A server on the example workspace; the test's browser context is logged in to it."""
    s = Server(make_workspace(tmp_path))
    s.log_in(context)
    yield s
    s.stop()


@pytest.fixture
def empty_server(tmp_path: Path, context: Any) -> Iterator[Server]:
    s = Server(make_workspace(tmp_path, empty=True))
    s.log_in(context)
    yield s
    s.stop()
