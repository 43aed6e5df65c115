"""The page shell loads the bundle and shows the workspace."""

from __future__ import annotations

from typing import Any

from e2e_support import Server


def test_home_page_loads(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    assert page.title().endswith("Sluicegate")
