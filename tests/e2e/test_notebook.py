"""The notebook view, as a user works in it: edit a cell, save it, run it, read its output or
its traceback; see an edit made in another editor appear without a reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect

A_ROWS = """\
if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def load_items(*args, **kwargs):
    for i in range(12):
        yield {'id': i, 'square': i * i}
"""

C_BROKEN = """\
if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(b, *args, **kwargs):
    print('C got', b)
    return {'c': b['b'] * ten}
"""


def open_notebook(page: Any, server: Server, pipeline: str) -> None:
    page.goto(f"{server.url}/pipelines/{pipeline}#notebook")
    expect(page.locator("section.cell").first).to_be_visible()


def cell(page: Any, block: str) -> Any:
    return page.locator(f'section.cell[data-block="{block}"]')


def replace_code(page: Any, block: str, code: str) -> None:
    """Click into the cell's editor, select everything and type (paste) the new code."""
    cell(page, block).locator(".cell-editor").click()
    editor = cell(page, block).locator(".cm-content")
    expect(editor).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def test_cells_come_in_graph_order_with_name_kind_and_file(page: Any, server: Server) -> None:
    folder = server.workspace / "pipelines" / "backwards"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text(
        "blocks:\n  - name: report\n  - name: clean\n  - name: load\n    file: loader.py\n"
        "edges:\n  - {from: load, to: clean}\n  - {from: clean, to: report}\n"
    )
    (folder / "loader.py").write_text(A_ROWS)
    for name in ("clean", "report"):
        code = C_BROKEN.replace("b, *args", "rows, *args").replace("ten", "10")
        (folder / f"{name}.py").write_text(code)
    open_notebook(page, server, "backwards")
    expect(page.locator("section.cell .cell-name")).to_have_text(["load", "clean", "report"])
    head = cell(page, "load").locator(".cell-head")
    expect(head.locator(".cell-kind")).to_have_text("data loader")
    expect(head.locator(".cell-file")).to_have_text("loader.py")
    expect(cell(page, "report").locator(".cell-kind")).to_have_text("transformer")
    expect(cell(page, "report").locator(".cell-inputs")).to_have_text("← clean")


def test_edit_save_and_run_a_cell_shows_its_output_table(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    a = cell(page, "A")
    replace_code(page, "A", A_ROWS)
    expect(a.get_by_test_id("unsaved")).to_be_visible()
    shot(page, "notebook-unsaved")

    page.keyboard.press("Control+s")
    expect(a.get_by_test_id("unsaved")).to_be_hidden()
    saved = server.workspace / "pipelines" / "seed_stream" / "A.py"
    assert "'square': i * i" in saved.read_text()

    a.get_by_role("button", name="Run").click()
    output = a.get_by_test_id("cell-output")
    expect(output).to_contain_text("succeeded")
    expect(output).to_contain_text("12 items")
    table = output.locator("table")
    expect(table.locator("thead th")).to_have_text(["#", "id", "square"])
    expect(table.locator("tbody tr")).to_have_count(12)
    expect(table.locator("tbody tr").nth(11)).to_contain_text("121")
    shot(page, "notebook-cell-output")


def test_shift_enter_saves_and_runs_the_cell(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    replace_code(page, "A", A_ROWS.replace("range(12)", "range(3)"))
    page.keyboard.press("Shift+Enter")
    output = cell(page, "A").get_by_test_id("cell-output")
    expect(output).to_contain_text("3 items")
    expect(cell(page, "A").get_by_test_id("unsaved")).to_be_hidden()
    assert "range(3)" in (server.workspace / "pipelines/seed_stream/A.py").read_text()


def test_a_broken_block_shows_its_traceback_and_marks_the_failing_line(
    page: Any, server: Server
) -> None:
    open_notebook(page, server, "seed_stream")
    c = cell(page, "C")
    replace_code(page, "C", C_BROKEN)
    c.get_by_role("button", name="Run").click()

    output = c.get_by_test_id("cell-output")
    expect(output).to_contain_text("failed")
    expect(output.locator(".output-error-head")).to_contain_text("NameError")
    expect(output.locator(".output-error-head")).to_contain_text("name 'ten' is not defined")
    expect(output.locator(".output-traceback")).to_contain_text("line 8, in transform")
    expect(output).to_contain_text("C got")  # its stdout

    marked = c.locator(".cm-line.cm-error-line")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text("b['b'] * ten")
    expect(c.locator(".cm-error-marker")).to_be_visible()
    expect(c.locator(".cm-error-message")).to_contain_text("not defined")
    shot(page, "notebook-traceback")


def test_code_that_does_not_compile_is_saved_and_shows_its_error(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    b = cell(page, "B")
    replace_code(page, "B", "def transform(item:\n    return item\n")
    page.keyboard.press("Control+s")
    expect(b.get_by_test_id("unsaved")).to_be_hidden()
    expect(b.get_by_test_id("compile-error")).to_contain_text("syntax error at line 1")
    expect(b.locator(".cm-line.cm-error-line")).to_contain_text("def transform(item:")


def test_an_edit_on_disk_appears_in_the_cell_without_a_reload(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    page.evaluate("window.__not_reloaded = true")
    path: Path = server.workspace / "pipelines" / "seed_stream" / "B.py"
    path.write_text(
        path.read_text().replace("return {'b': item['id']}", "return {'b': item['id'] + 1000}")
    )

    expect(cell(page, "B").locator(".cell-editor")).to_contain_text("item['id'] + 1000")
    expect(cell(page, "B").get_by_test_id("unsaved")).to_be_hidden()
    assert page.evaluate("window.__not_reloaded") is True


def test_an_edit_on_disk_over_unsaved_changes_asks_which_to_keep(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    d = cell(page, "D")
    d.locator(".cell-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# mine\n")
    expect(d.get_by_test_id("unsaved")).to_be_visible()

    path = server.workspace / "pipelines" / "seed_stream" / "D.py"
    path.write_text(path.read_text() + "# theirs\n")
    notice = d.locator(".cell-notice")
    expect(notice).to_contain_text("Changed on disk")
    expect(d.locator(".cell-editor")).to_contain_text("# mine")  # nothing lost
    shot(page, "notebook-changed-on-disk")

    notice.get_by_role("button", name="Keep mine").click()
    expect(notice).to_be_hidden()
    expect(d.get_by_test_id("unsaved")).to_be_visible()
    d.get_by_role("button", name="Save").click()
    expect(d.get_by_test_id("unsaved")).to_be_hidden()
    text = path.read_text()
    assert "# mine" in text and "# theirs" not in text


def test_load_theirs_replaces_unsaved_changes(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    a = cell(page, "A")
    a.locator(".cell-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# mine\n")
    path = server.workspace / "pipelines" / "seed_stream" / "A.py"
    path.write_text(path.read_text() + "# theirs\n")
    a.locator(".cell-notice").get_by_role("button", name="Load theirs").click()
    expect(a.locator(".cell-editor")).to_contain_text("# theirs")
    expect(a.locator(".cell-editor")).not_to_contain_text("# mine")
    expect(a.get_by_test_id("unsaved")).to_be_hidden()


def test_a_cell_that_never_ends_can_be_stopped(page: Any, server: Server) -> None:
    folder = server.workspace / "pipelines" / "forever"
    folder.mkdir()
    # the kernel stops it by force after cancel_grace_s
    (folder / "pipeline.yaml").write_text(
        "settings: {cancel_grace_s: 1}\nblocks:\n  - name: spin\n"
    )
    (folder / "spin.py").write_text(
        "import time\n\n\n@data_loader\ndef spin(*args, **kwargs):\n"
        "    while True:\n        time.sleep(0.05)\n"
    )
    open_notebook(page, server, "forever")
    spin = cell(page, "spin")
    spin.get_by_role("button", name="Run").click()
    expect(spin.locator(".output-status")).to_contain_text("running")
    spin.get_by_role("button", name="Stop").click()
    output = spin.get_by_test_id("cell-output")
    expect(output).to_contain_text("failed", timeout=15_000)
    expect(output).to_contain_text("cancelled")
    expect(spin.get_by_role("button", name="Run")).to_be_enabled()


def test_a_block_added_on_disk_gets_its_cell(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    folder = server.workspace / "pipelines" / "seed_stream"
    (folder / "E.py").write_text(C_BROKEN.replace("ten", "10").replace("b, *args", "d, *args"))
    spec = (folder / "pipeline.yaml").read_text()
    spec = spec.replace("edges:\n", "  - name: E\nedges:\n  - {from: D, to: E}\n")
    (folder / "pipeline.yaml").write_text(spec)
    expect(page.locator("section.cell .cell-name")).to_have_text(["A", "B", "C", "D", "E"])
    expect(cell(page, "E").locator(".cell-inputs")).to_have_text("← D")


def test_a_cell_run_in_another_tab_shows_here_too(page: Any, server: Server) -> None:
    open_notebook(page, server, "seed_stream")
    other = page.context.new_page()
    open_notebook(other, server, "seed_stream")
    cell(other, "A").get_by_role("button", name="Run").click()
    expect(cell(other, "A").get_by_test_id("cell-output")).to_contain_text("10 items")
    expect(cell(page, "A").get_by_test_id("cell-output")).to_contain_text("10 items")
    other.close()
