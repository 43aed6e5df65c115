"""A Mage project served as it is: `sluicegate serve MAGE_PROJECT` lists its pipelines, the
editor shows a Mage pipeline's blocks and edges, and after a run the output inspector shows
what a block printed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Server
from playwright.sync_api import expect

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mage_project"


@pytest.fixture
def mage_server(tmp_path: Path, context: Any) -> Iterator[Server]:
    project = tmp_path / "demo_project"
    shutil.copytree(FIXTURE, project)
    s = Server(project)
    s.log_in(context)
    yield s
    s.stop()


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def test_open_a_mage_pipeline_and_see_a_blocks_print_in_the_inspector(
    page: Any, mage_server: Server
) -> None:
    names = [p["name"] for p in mage_server.api("GET", "/api/pipelines")]
    assert "guarded" in names and "etl_demo" in names
    page.goto(f"{mage_server.url}/pipelines/guarded")
    for block in ("wait_for_flag", "load_items", "upper_items", "export_items"):
        expect(node(page, block)).to_be_visible()
    expect(page.locator("g.edge, path.edge").first).to_be_attached()

    run = mage_server.run_to_end("guarded")
    assert run["status"] == "succeeded"
    page.goto(f"{mage_server.url}/runs/{run['id']}")
    node(page, "upper_items").click()
    panel = page.get_by_test_id("output-inspector")
    expect(panel).to_contain_text("['A', 'B', 'C']")
    expect(panel.locator(".insp-logs")).to_contain_text("upper_items got 3 items")
