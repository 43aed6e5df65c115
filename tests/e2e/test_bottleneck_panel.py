"""The run page shows a finished run's bottleneck verdict: the block, the evidence and the
setting to change, in the run summary beside the graph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ROOT, Server, make_workspace, shot
from playwright.sync_api import expect

FIXTURE = ROOT / "tests" / "fixtures" / "kernel_ws" / "pipelines" / "bottleneck_concurrency"


@pytest.fixture
def bottleneck_server(tmp_path: Path, context: Any) -> Iterator[Server]:
    workspace = make_workspace(tmp_path)
    shutil.copytree(FIXTURE, workspace / "pipelines" / "bottleneck_concurrency")
    s = Server(workspace)
    s.log_in(context)
    yield s
    s.stop()


def test_run_page_names_the_bottleneck_and_the_setting(
    page: Any, bottleneck_server: Server
) -> None:
    run = bottleneck_server.run_to_end("bottleneck_concurrency")
    assert run["status"] == "succeeded"
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{bottleneck_server.url}/runs/{run['id']}")
    panel = page.get_by_test_id("bottleneck")
    expect(panel).to_be_visible(timeout=10_000)
    expect(panel).to_have_attribute("data-block", "fetch")
    expect(panel).to_contain_text("children at their concurrency cap")
    expect(panel).to_contain_text("ran 16 children at most 1 at a time")
    fix = panel.locator("ul.bottleneck-fixes li").first
    expect(fix.locator("code").first).to_have_text("max_concurrent_children: 8")
    expect(fix).to_contain_text("pipelines/bottleneck_concurrency/pipeline.yaml")
    shot(page, "bottleneck_panel_1280")
    page.set_viewport_size({"width": 900, "height": 800})
    expect(panel).to_be_visible()
    shot(page, "bottleneck_panel_900")
