"""Where a child's input came from, as a person reads it: the child tables of the run view
and of the inspector say "B:7 x C:3" for D:7:3, and a failed child shows the input item it
failed on beside its traceback."""

from __future__ import annotations

import re
from typing import Any

from e2e_support import ARTIFACTS, Server
from playwright.sync_api import expect

B_FAILS_ON_4 = """\
if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(item, *args, **kwargs):
    if item['id'] == 4:
        raise ValueError('cannot handle id 4')
    return {'b': item['id']}
"""


def screenshot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def open_block(page: Any, server: Server, run_id: str, block: str) -> None:
    """Open the run, scroll the graph (the wheel pans it) until the block is in view, click it."""
    page.goto(f"{server.url}/runs/{run_id}")
    target = page.locator(f'.node[data-block="{block}"] .node-bg')
    expect(target).to_be_visible()
    area = page.locator(".graph-wrap").bounding_box()
    box = target.bounding_box()
    overflow = box["x"] + box["width"] - (area["x"] + area["width"]) + 24
    if overflow > 0:
        page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
        page.mouse.wheel(overflow, 0)
    page.locator(f'.node[data-block="{block}"] .node-name').click()


def test_child_tables_show_lineage(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    run_id = server.run_to_end("seed_stream")["id"]
    open_block(page, server, run_id, "D")

    table = page.get_by_test_id("children")
    expect(table.locator("th", has_text="from")).to_be_visible()
    row = table.locator('tr[data-uuid="D:0:3"]')
    expect(row.locator("td.lineage")).to_have_text(f"B:0 {chr(215)} C:3")
    expect(row.locator("td.lineage")).to_have_attribute(
        "title", re.compile(r"B ← the output of B:0")
    )

    picker = page.get_by_test_id("inspector-children")
    item = picker.locator('button.insp-child[data-uuid="D:0:3"]')
    expect(item.locator(".child-lineage")).to_have_text(f"← B:0 {chr(215)} C:3")
    screenshot(page, "child-lineage-1280x720")

    page.set_viewport_size({"width": 900, "height": 800})
    open_block(page, server, run_id, "B")
    expect(page.get_by_test_id("children").locator('tr[data-uuid="B:4"] td.lineage')).to_have_text(
        "A #4"
    )
    screenshot(page, "child-lineage-900x800")


def test_a_failed_child_shows_the_input_item_it_failed_on(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    (server.workspace / "pipelines/seed_stream/B.py").write_text(B_FAILS_ON_4)
    run = server.run_to_end("seed_stream")
    assert run["status"] == "failed"
    open_block(page, server, run["id"], "B")
    page.get_by_test_id("children").locator('tr[data-uuid="B:4"]').click()

    panel = page.get_by_test_id("output-inspector")
    expect(panel.locator(".insp-uuid")).to_have_text("B:4")
    expect(panel.get_by_test_id("inspector-traceback")).to_contain_text("cannot handle id 4")
    given = panel.get_by_test_id("child-input")
    expect(given.locator(".insp-input-head")).to_have_text("A ← A #4")
    expect(given).to_contain_text("id")
    expect(given.locator(".insp-input").first).to_contain_text("4")
    expect(given).not_to_contain_text("was not stored")
    screenshot(page, "failed-child-input-1280x720")
