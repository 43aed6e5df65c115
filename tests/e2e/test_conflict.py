"""No lost updates in the browser: a save from a page that has not seen an edit made on disk
is refused by the server (412), and the cell offers the "changed on disk" choice instead of
writing over the other editor's work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect


def open_notebook(page: Any, server: Server, pipeline: str) -> None:
    page.goto(f"{server.url}/pipelines/{pipeline}#notebook")
    expect(page.locator("section.cell").first).to_be_visible()


def type_at_end(page: Any, cell: Any, text: str) -> None:
    cell.locator(".cell-editor").click()
    expect(cell.locator(".cm-content")).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(text)
    expect(cell.get_by_test_id("unsaved")).to_be_visible()


def test_a_save_right_after_an_edit_on_disk_keeps_that_edit(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    d = page.locator('section.cell[data-block="D"]')
    type_at_end(page, d, "# mine\n")
    path: Path = server.workspace / "pipelines" / "seed_stream" / "D.py"
    theirs = path.read_text() + "# theirs\n"

    path.write_text(theirs)
    page.keyboard.press("Control+s")  # most likely before the page hears of the edit

    notice = d.locator(".cell-notice")
    expect(notice).to_contain_text("Changed on disk")
    expect(notice).to_contain_text("Not saved")
    expect(d.locator(".cell-editor")).to_contain_text("# mine")
    expect(d.get_by_test_id("unsaved")).to_be_visible()
    assert path.read_text() == theirs
    shot(page, "notebook-save-refused")

    notice.get_by_role("button", name="Overwrite with mine").click()
    expect(notice).to_be_hidden()
    expect(d.get_by_test_id("unsaved")).to_be_hidden()
    text = path.read_text()
    assert "# mine" in text and "# theirs" not in text


def test_saving_over_a_notice_not_yet_answered_is_refused(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    b = page.locator('section.cell[data-block="B"]')
    type_at_end(page, b, "# mine\n")
    path: Path = server.workspace / "pipelines" / "seed_stream" / "B.py"
    theirs = path.read_text() + "# theirs\n"
    path.write_text(theirs)
    notice = b.locator(".cell-notice")
    expect(notice).to_contain_text("Changed on disk")

    b.get_by_role("button", name="Save").click()  # without choosing first

    expect(notice).to_contain_text("Not saved")
    assert path.read_text() == theirs
    notice.get_by_role("button", name="Load theirs").click()
    expect(notice).to_be_hidden()
    expect(b.locator(".cell-editor")).to_contain_text("# theirs")
    expect(b.locator(".cell-editor")).not_to_contain_text("# mine")
    expect(b.get_by_test_id("unsaved")).to_be_hidden()
    assert path.read_text() == theirs


def test_saves_after_a_save_or_a_reload_of_theirs_are_not_refused(
    page: Any, server: Server
) -> None:
    open_notebook(page, server, "seed_stream")
    c = page.locator('section.cell[data-block="C"]')
    path: Path = server.workspace / "pipelines" / "seed_stream" / "C.py"
    type_at_end(page, c, "# first\n")
    page.keyboard.press("Control+s")
    expect(c.get_by_test_id("unsaved")).to_be_hidden()
    path.write_text(path.read_text() + "# theirs\n")
    expect(c.locator(".cell-editor")).to_contain_text("# theirs")  # no edits here: shown at once

    type_at_end(page, c, "# second\n")
    page.keyboard.press("Control+s")

    expect(c.get_by_test_id("unsaved")).to_be_hidden()
    expect(c.locator(".cell-notice")).to_be_hidden()
    text = path.read_text()
    assert "# first" in text and "# theirs" in text and "# second" in text


def test_a_graph_edit_made_before_the_page_saw_an_edit_on_disk_asks_first(
    page: Any, server: Server
) -> None:
    page.goto(server.url + "/pipelines/seed_stream")
    description = page.locator(".side-panel textarea[name=description]")
    expect(description).to_be_visible()
    # Hold back the page's reads of the pipeline until it saves, so it has not seen the edit
    # on disk yet (the watcher may report one write more than once: every read is held);
    # the read after the refused save goes on.
    held: list[Any] = []
    saved: list[str] = []
    reads = "**/api/pipelines/seed_stream"

    def hold(route: Any) -> None:
        if route.request.method == "GET" and not saved:
            held.append(route)
            return
        saved.append(route.request.method)
        route.continue_()

    page.route(reads, hold)
    yaml_path: Path = server.workspace / "pipelines" / "seed_stream" / "pipeline.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("b_sleep: 0", "b_sleep: 5"))
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page did not hear of the edit on disk within 5 s"
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    description.fill("changed in the browser")
    description.blur()

    expect(page.locator(".side-panel textarea[name=description]")).to_have_value(
        "changed in the browser"
    )
    for _ in range(100):
        if asked and "changed in the browser" in yaml_path.read_text():
            break
        page.wait_for_timeout(50)
    assert asked and "Changed on disk" in asked[0]
    text = yaml_path.read_text()
    assert "b_sleep: 5" in text and "changed in the browser" in text
    page.unroute(reads)  # lets the held read go on
