"""A cell's output shows each kind of item as a user expects: data frames and lists of dicts
as tables with column types, arrays with shape and dtype, long text cut with "show more"."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Server
from playwright.sync_api import expect

PREVIEWS = Path(__file__).parents[1] / "fixtures" / "cells_ws" / "pipelines" / "previews"
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("size", [(1280, 720), (900, 800)])
def test_a_cells_items_are_previewed_by_kind(
    page: Any, server: Server, size: tuple[int, int]
) -> None:
    shutil.copytree(PREVIEWS, server.workspace / "pipelines" / "previews")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/pipelines/previews#notebook")
    cell = page.locator('section.cell[data-block="kinds"]')
    cell.get_by_role("button", name="Run").click()
    output = cell.get_by_test_id("cell-output")
    expect(output).to_contain_text("5 items", timeout=30_000)
    items = output.locator(".preview-item")
    expect(items).to_have_count(5)

    frame = items.nth(0)
    expect(frame.locator(".preview-item-title")).to_contain_text("pandas.DataFrame · 3 rows")
    expect(frame.locator("thead th")).to_have_text(["idint64", "name" + "str"])
    expect(frame.locator("tbody tr").nth(1)).to_contain_text("null")

    expect(items.nth(1).locator(".preview-item-title")).to_contain_text(
        "numpy.ndarray uint8 [4 \u00d7 4 \u00d7 3]"
    )
    expect(items.nth(1)).to_contain_text("first 10 of 48 values (flattened, row-major)")

    SHOTS.mkdir(parents=True, exist_ok=True)
    items.nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"cells-previews-{size[0]}x{size[1]}.png"))

    text = items.nth(2)
    expect(text).to_contain_text("15,000 characters")
    expect(text).to_contain_text("first 10,000 of 15,000 characters kept")
    shown = text.locator("pre.preview-text")
    assert len(shown.inner_text()) < 700
    text.get_by_role("button", name="show more").click()
    expect(text.get_by_role("button", name="show less")).to_be_visible()
    assert len(shown.inner_text()) == 10_000

    expect(items.nth(3)).to_contain_text("256 bytes")
    expect(items.nth(3).locator("pre")).to_contain_text("b'\\x00\\x01\\x02")

    rows = items.nth(4)
    expect(rows.locator("thead th")).to_have_text(["citystr", "peopleint"])
    expect(rows.locator("tbody tr")).to_have_count(2)
