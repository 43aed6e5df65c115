"""Cells as good as Jupyter's: Tab and Shift-Tab indent and dedent inside the editor (the file's
own indentation, else 4 spaces), Ctrl-S saves from anywhere on the page, Shift-Enter runs and
moves to the next cell, Ctrl-Enter runs in place, `?` lists the shortcuts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import Server
from playwright.sync_api import expect

LOAD = """\
@data_loader
def load(*args, **kwargs):
    return [{'n': i} for i in range(3)]
"""

DOUBLE = """\
@transformer
def double(rows, *args, **kwargs):
    return [{'n': r['n'] * 2} for r in rows]
"""

TOTAL_TWO_SPACES = """\
@data_exporter
def total(rows, *args, **kwargs):
  if rows:
    return {'total': sum(r['n'] for r in rows)}
  return {'total': 0}
"""


def line_pipeline(server: Server) -> Path:
    """load -> double -> total; total is indented with 2 spaces."""
    folder = server.workspace / "pipelines" / "line"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text(
        "blocks:\n  - name: load\n  - name: double\n  - name: total\n"
        "edges:\n  - {from: load, to: double}\n  - {from: double, to: total}\n"
    )
    (folder / "load.py").write_text(LOAD)
    (folder / "double.py").write_text(DOUBLE)
    (folder / "total.py").write_text(TOTAL_TWO_SPACES)
    return folder


def cell(page: Any, block: str) -> Any:
    return page.locator(f'section.cell[data-block="{block}"]')


def open_line(page: Any, server: Server, width: int = 1280, height: int = 720) -> Path:
    folder = line_pipeline(server)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/pipelines/line#notebook")
    expect(cell(page, "total")).to_be_visible()
    return folder


def click_line_start(page: Any, block: str, line: int) -> None:
    """Put the cursor at the start of the cell's `line`-th line (1-based)."""
    target = cell(page, block).locator(".cm-line").nth(line - 1)
    target.click()
    page.keyboard.press("Home")
    page.keyboard.press("Home")  # past the indentation, to column 0


def test_tab_indents_with_4_spaces_and_shift_tab_dedents_without_leaving(
    page: Any, server: Server
) -> None:
    folder = open_line(page, server)
    click_line_start(page, "double", 3)  # "    return [...]"
    editor = cell(page, "double").locator(".cm-content")
    page.keyboard.press("Tab")
    expect(editor).to_be_focused()  # Tab never leaves the editor
    page.keyboard.press("Tab")
    expect(editor).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(cell(page, "double").get_by_test_id("unsaved")).to_be_visible()
    page.keyboard.press("Control+s")
    expect(cell(page, "double").get_by_test_id("unsaved")).to_be_hidden()
    lines = (folder / "double.py").read_text().splitlines()
    assert lines[2] == " " * 8 + "return [{'n': r['n'] * 2} for r in rows]"

    # A new line after the def is indented by 4 spaces, and Tab at its start adds 4 more.
    cell(page, "double").locator(".cm-line").nth(1).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("x = 1")
    page.keyboard.press("Control+s")
    expect(cell(page, "double").get_by_test_id("unsaved")).to_be_hidden()
    assert (folder / "double.py").read_text().splitlines()[2] == " " * 8 + "x = 1"

    # Escape, then Tab, leaves the editor (keyboard users are never trapped in a cell). A click
    # first: Escape would close a completion popup, if one had come up, instead.
    cell(page, "double").locator(".cm-line").first.click()
    expect(page.locator(".cm-tooltip-autocomplete")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(editor).not_to_be_focused()


def test_tab_follows_the_files_own_2_space_indentation(page: Any, server: Server) -> None:
    folder = open_line(page, server)
    click_line_start(page, "total", 4)  # "    return {...}"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+s")
    expect(cell(page, "total").get_by_test_id("unsaved")).to_be_hidden()
    assert (folder / "total.py").read_text().splitlines()[
        3
    ] == "  return {'total': sum(r['n'] for r in rows)}"


@pytest.mark.parametrize("size", [(1280, 720), (900, 800)])
def test_ctrl_s_saves_the_last_edited_cell_from_outside_the_editor(
    page: Any, server: Server, size: tuple[int, int]
) -> None:
    folder = open_line(page, server, *size)
    cell(page, "load").locator(".cm-line").nth(2).click()
    page.keyboard.press("End")
    page.keyboard.type("  # edited")
    expect(cell(page, "load").get_by_test_id("unsaved")).to_be_visible()
    page.locator(".notebook-summary").click()  # focus leaves the editor
    expect(cell(page, "load").locator(".cm-content")).not_to_be_focused()
    page.evaluate(
        "window.addEventListener('keydown', (e) => { window.__saveBlocked = e.defaultPrevented })"
    )
    page.keyboard.press("Control+s")
    expect(cell(page, "load").get_by_test_id("unsaved")).to_be_hidden()
    assert "range(3)]  # edited" in (folder / "load.py").read_text()
    assert page.evaluate("window.__saveBlocked") is True  # no "save page" dialog
    page.screenshot(path=_artifact(f"cells-keys-ctrl-s-{size[0]}x{size[1]}"))


def test_shift_enter_runs_and_moves_on_ctrl_enter_runs_in_place(page: Any, server: Server) -> None:
    open_line(page, server)
    cell(page, "load").locator(".cm-line").first.click()
    page.keyboard.press("Shift+Enter")
    expect(cell(page, "double").locator(".cm-content")).to_be_focused()
    expect(cell(page, "load").get_by_test_id("cell-output")).to_contain_text("succeeded")

    page.keyboard.press("Shift+Enter")  # queued behind nothing, or behind load's run
    expect(cell(page, "total").locator(".cm-content")).to_be_focused()
    expect(cell(page, "double").get_by_test_id("cell-output")).to_contain_text("succeeded")

    page.keyboard.press("Control+Enter")
    output = cell(page, "total").get_by_test_id("cell-output")
    expect(output).to_contain_text("succeeded")
    expect(output).to_contain_text("6")  # 0 + 2 + 4
    expect(cell(page, "total").locator(".cm-content")).to_be_focused()
    # Shift-Enter and Ctrl-Enter run, never type: the code is unchanged.
    expect(cell(page, "total").get_by_test_id("unsaved")).to_be_hidden()


def test_question_mark_lists_the_shortcuts_and_escape_closes_them(
    page: Any, server: Server
) -> None:
    open_line(page, server)
    page.locator(".notebook-summary").click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Run the cell and move to the next one")
    expect(dialog).to_contain_text("Save the focused or last-edited cell")
    page.screenshot(path=_artifact("cells-keys-list-1280x720"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Inside an editor `?` is a character, not the list.
    cell(page, "load").locator(".cm-line").first.click()
    page.keyboard.press("End")
    page.keyboard.type("?")
    expect(dialog).to_be_hidden()
    expect(cell(page, "load").locator(".cm-line").first).to_contain_text("@data_loader?")


def _artifact(name: str) -> str:
    folder = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")


def test_a_failed_run_cancels_the_runs_queued_behind_it(page: Any, server: Server) -> None:
    folder = line_pipeline(server)
    (folder / "load.py").write_text(
        "import time\n\n\n@data_loader\ndef load(*args, **kwargs):\n"
        "    time.sleep(1)\n    raise ValueError('broken on purpose')\n"
    )
    page.goto(f"{server.url}/pipelines/line#notebook")
    cell(page, "load").locator(".cm-line").first.click()
    page.keyboard.press("Shift+Enter")  # load runs (for a second), focus moves to double
    expect(cell(page, "double").locator(".cm-content")).to_be_focused()
    page.keyboard.press("Shift+Enter")  # double is queued behind load
    expect(cell(page, "double").get_by_test_id("cell-output")).to_contain_text("queued")
    expect(cell(page, "load").get_by_test_id("cell-output")).to_contain_text("broken on purpose")
    skipped = cell(page, "double").get_by_test_id("cell-output")
    expect(skipped).to_contain_text("not run: load, queued before it, failed")
    expect(cell(page, "double").get_by_role("button", name="Run")).to_be_visible()
