"""A block's print() output in the browser: in the output inspector of one child and in the
run view's log pane of the block, which shows the first page of a 5 MB log at once and pages
on demand."""

from __future__ import annotations

import time
from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect

C_PRINTS = """\
if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(b, *args, **kwargs):
    print(f"C sees b={b['b']}")
    if b['b'] == 0:
        for i in range(50_000):  # 5 MB: the log keeps 10,000 lines and notes the rest
            print(f"line {i:05d} " + "x" * 88)
    return {'c': b['b'] * 10}
"""


def test_print_output_shows_in_the_inspector_and_the_run_view(page: Any, server: Server) -> None:
    (server.workspace / "pipelines" / "seed_stream" / "C.py").write_text(C_PRINTS)
    run_id = server.run_to_end("seed_stream")["id"]

    page.goto(f"{server.url}/runs/{run_id}")
    page.locator('.node[data-block="C"]').click()
    page.get_by_test_id("children").locator('tr[data-uuid="C:3"]').click()
    inspector = page.get_by_test_id("output-inspector")
    expect(inspector.locator(".insp-uuid")).to_have_text("C:3")
    expect(inspector.locator(".insp-logs")).to_contain_text("C sees b=3")
    expect(inspector.locator(".insp-logs .log-level").first).to_have_text("STDOUT")

    started = time.monotonic()
    pane = page.get_by_test_id("run-log")
    expect(pane).to_contain_text("C sees b=0")
    expect(pane).to_contain_text("line 00000")
    first_page_s = time.monotonic() - started
    expect(pane.locator(".log-line")).to_have_count(100)  # one page, not the whole log
    # C:0 kept 10,000 lines and the note; the 9 other children one line each
    more = pane.get_by_role("button", name="more (9910 left)")
    more.click()
    expect(pane.locator(".log-line")).to_have_count(200)
    assert first_page_s < 10, f"the first page took {first_page_s:.1f} s"
    shot(page, "run-view-block-log")


def test_the_inspector_shows_a_flooding_child_one_page_at_a_time(page: Any, server: Server) -> None:
    (server.workspace / "pipelines" / "seed_stream" / "C.py").write_text(C_PRINTS)
    run_id = server.run_to_end("seed_stream")["id"]

    page.goto(f"{server.url}/runs/{run_id}")
    page.locator('.node[data-block="C"]').click()
    page.get_by_test_id("children").locator('tr[data-uuid="C:0"]').click()
    logs = page.get_by_test_id("output-inspector").locator(".insp-logs")
    expect(logs).to_contain_text("C sees b=0")
    expect(logs.locator(".log-line")).to_have_count(200)  # the inspector's page size
    expect(logs).not_to_contain_text("more bytes not kept")  # the note is on the last page
