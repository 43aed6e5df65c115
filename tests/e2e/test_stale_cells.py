"""Stale cells in the browser: after an upstream block's code changes, its downstream cells are
marked stale with the reason, the marks survive a reload, and "Run stale cells" runs them in
graph order until nothing is stale."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Server
from playwright.sync_api import expect

LINE = Path(__file__).parents[1] / "fixtures" / "cells_ws" / "pipelines" / "line"
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


def cell(page: Any, block: str) -> Any:
    return page.locator(f'section.cell[data-block="{block}"]')


def open_line(page: Any, server: Server, size: tuple[int, int]) -> Path:
    folder = server.workspace / "pipelines" / "line"
    shutil.copytree(LINE, folder)
    assert server.run_to_end("line")["status"] == "succeeded"
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/pipelines/line#notebook")
    expect(cell(page, "total")).to_be_visible()
    return folder


@pytest.mark.parametrize("size", [(1280, 720), (900, 800)])
def test_an_upstream_code_change_marks_cells_stale_and_run_stale_cells_clears_them(
    page: Any, server: Server, size: tuple[int, int]
) -> None:
    open_line(page, server, size)
    run_stale = page.locator(".notebook-run-stale")
    expect(page.get_by_test_id("stale")).to_have_count(0)
    expect(run_stale).to_be_hidden()

    # Edit double in its cell: * 2 becomes * 10, saved with Ctrl-S.
    line = cell(page, "double").locator(".cm-line").nth(2)
    line.click()
    page.keyboard.press("End")
    for _ in range(len("2} for r in rows]")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Delete")  # the 2
    page.keyboard.type("10")
    page.keyboard.press("Control+s")
    expect(cell(page, "double").get_by_test_id("unsaved")).to_be_hidden()

    double_mark = cell(page, "double").get_by_test_id("stale")
    total_mark = cell(page, "total").get_by_test_id("stale")
    expect(double_mark).to_contain_text("its code changed since its last run")
    expect(total_mark).to_contain_text("upstream double is stale")
    expect(cell(page, "load").get_by_test_id("stale")).to_have_count(0)
    expect(run_stale).to_have_text("Run 2 stale cells")
    expect(run_stale).to_be_in_viewport()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"cells-stale-{size[0]}x{size[1]}.png"))

    # The marks are the server's: a reload shows them again.
    page.reload()
    expect(cell(page, "total").get_by_test_id("stale")).to_contain_text("upstream double")
    expect(run_stale).to_have_text("Run 2 stale cells")

    run_stale.click()
    total_output = cell(page, "total").get_by_test_id("cell-output")
    expect(total_output).to_contain_text("succeeded", timeout=30_000)
    expect(total_output.locator("tbody")).to_contain_text("60")  # (0 + 1 + 2 + 3) * 10
    expect(cell(page, "double").get_by_test_id("cell-output")).to_contain_text("succeeded")
    expect(page.get_by_test_id("stale")).to_have_count(0)
    expect(run_stale).to_be_hidden()
    expect(cell(page, "load").get_by_test_id("cell-output")).to_have_count(0)  # not stale: not run


def test_a_cell_run_after_its_upstream_ran_again_is_marked_until_it_runs(
    page: Any, server: Server
) -> None:
    folder = open_line(page, server, (1280, 720))
    # An edit on disk (another editor) reaches the marks without a reload.
    (folder / "load.py").write_text((folder / "load.py").read_text().replace("4", "3"))
    expect(cell(page, "load").get_by_test_id("stale")).to_contain_text("code changed")
    expect(cell(page, "double").get_by_test_id("stale")).to_contain_text("upstream load")

    cell(page, "load").get_by_role("button", name="Run").click()
    expect(cell(page, "load").get_by_test_id("cell-output")).to_contain_text("3 rows")
    expect(cell(page, "load").get_by_test_id("stale")).to_have_count(0)
    expect(cell(page, "double").get_by_test_id("stale")).to_contain_text(
        "load ran again after this block's last run"
    )
    expect(cell(page, "total").get_by_test_id("stale")).to_contain_text("upstream double")
