"""The output inspector, as a user opens it: a stored output of a finished run, paged, with
its metadata; a dynamic child picked from the children; a failed child's traceback and log."""

from __future__ import annotations

from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect

DASH = "\N{EN DASH}"  # the pager writes ranges with it, as in print, not a hyphen
TIMES = "\N{MULTIPLICATION SIGN}"  # the metadata counts types as "float TIMES 45"

C_FAILS_SOMETIMES = """\
if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(b, *args, **kwargs):
    kwargs['logger'].info('C got %s', b)
    if b['b'] == 3:
        raise ValueError('cannot handle b=3')
    return {'c': b['b'] * 10}
"""


def finished_run(server: Server, pipeline: str, variables: dict[str, Any] | None = None) -> str:
    """Start a run through the API and wait for it to finish; its id."""
    run_id: str = server.run_to_end(pipeline, variables)["id"]
    return run_id


def inspector(page: Any) -> Any:
    return page.get_by_test_id("output-inspector")


def open_block(page: Any, server: Server, run_id: str, block: str) -> None:
    page.goto(f"{server.url}/runs/{run_id}")
    page.locator(f'.node[data-block="{block}"]').click()


def test_page_through_the_stored_items_of_a_finished_run(page: Any, server: Server) -> None:
    run_id = finished_run(server, "memory_generator", {"batches": 45, "batch_rows": 1000})
    open_block(page, server, run_id, "total")
    panel = inspector(page)
    meta = panel.get_by_test_id("output-meta")
    expect(meta).to_contain_text("45")
    expect(meta).to_contain_text(f"float {TIMES} 45")
    pager = panel.get_by_test_id("pager-range")
    expect(pager).to_have_text(f"items 1{DASH}20 of 45")
    rows = panel.get_by_test_id("output-items").locator("tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("499500.0")  # the sum of 0..999

    panel.get_by_role("button", name="next page").click()
    expect(pager).to_have_text(f"items 21{DASH}40 of 45")
    expect(rows.first.locator("td.index")).to_have_text("20")
    panel.get_by_role("button", name="last page").click()
    expect(pager).to_have_text(f"items 41{DASH}45 of 45")
    expect(rows).to_have_count(5)
    expect(panel.get_by_role("button", name="next page")).to_be_disabled()

    panel.get_by_label("page size").select_option("10")
    expect(pager).to_have_text(f"items 41{DASH}45 of 45")
    panel.get_by_role("button", name="first page").click()
    expect(pager).to_have_text(f"items 1{DASH}10 of 45")
    shot(page, "inspector-paged")


def test_a_sampled_output_says_that_only_a_sample_was_kept(page: Any, server: Server) -> None:
    run_id = finished_run(server, "memory_generator", {"batches": 6, "batch_rows": 100})
    open_block(page, server, run_id, "produce")
    panel = inspector(page)
    expect(panel.get_by_test_id("sample-notice")).to_contain_text("Only a sample was kept")
    expect(panel.get_by_test_id("sample-notice")).to_contain_text("2 of 6 items stored")
    items = panel.get_by_test_id("output-items")
    expect(items.locator(".preview-index")).to_have_text(["#0", "#5"])  # the first and the last
    expect(items).to_contain_text("float64 [100]")


def test_open_one_child_of_a_dynamic_block_and_switch_to_another(page: Any, server: Server) -> None:
    run_id = finished_run(server, "seed_stream")
    open_block(page, server, run_id, "D")
    page.get_by_test_id("children").locator('tr[data-uuid="D:3:1"]').click()

    panel = inspector(page)
    expect(panel.locator(".insp-uuid")).to_have_text("D:3:1")
    table = panel.get_by_test_id("output-items").locator("table")
    expect(table.locator("thead th")).to_have_text(["#", "b", "c"])
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(panel.get_by_test_id("output-meta")).to_contain_text("b")
    expect(panel.get_by_test_id("output-meta")).to_contain_text("int")

    # The inspector's own children picker: one page at a time, never all 100.
    picker = panel.get_by_test_id("inspector-children")
    expect(picker.locator("button")).to_have_count(50)
    expect(picker.locator('button[aria-current="true"] .child-uuid')).to_have_text("D:3:1")
    panel.get_by_label("go to child").fill("D:7:2")
    panel.get_by_label("go to child").press("Enter")
    expect(panel.locator(".insp-uuid")).to_have_text("D:7:2")
    expect(table.locator("tbody tr").first).to_contain_text("7")
    panel.get_by_role("button", name="next children").click()
    expect(picker.locator("button").first.locator(".child-uuid")).to_have_text("D:5:0")
    shot(page, "inspector-child")


def test_a_failed_child_shows_its_traceback_and_log(page: Any, server: Server) -> None:
    (server.workspace / "pipelines" / "seed_stream" / "C.py").write_text(C_FAILS_SOMETIMES)
    run_id = finished_run(server, "seed_stream")
    open_block(page, server, run_id, "C")
    page.get_by_test_id("children").locator('tr[data-uuid="C:3"]').click()

    panel = inspector(page)
    expect(panel.locator(".insp-uuid")).to_have_text("C:3")
    traceback = panel.get_by_test_id("inspector-traceback")
    expect(traceback).to_contain_text("ValueError")
    expect(traceback).to_contain_text("cannot handle b=3")
    expect(traceback).to_contain_text("line 9, in transform")
    expect(panel.locator(".insp-logs")).to_contain_text("C got {'b': 3}")
    expect(panel.get_by_test_id("output-items")).to_contain_text("C:3 failed")
    shot(page, "inspector-failed-child")


def test_inspect_every_item_of_a_cell_run_from_the_notebook(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/pipelines/seed_stream#notebook")
    cell = page.locator('section.cell[data-block="A"]')
    cell.get_by_role("button", name="Run").click()
    expect(cell.get_by_test_id("cell-output")).to_contain_text("10 items")
    cell.get_by_role("button", name="Inspect output →").click()

    panel = inspector(page)
    expect(panel.locator(".insp-block")).to_have_text("A")
    expect(panel.get_by_test_id("output-items").locator("tbody tr")).to_have_count(10)
    expect(panel.get_by_test_id("output-meta")).to_contain_text(f"dict {TIMES} 10")
    shot(page, "notebook-inspector-drawer")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
