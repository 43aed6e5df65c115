"""A run on the process pool, started from the editor as a person would: the launcher's
"Run block code on" choice, live child counters climbing while worker processes run the
children, and the block panel saying where its runs ran."""

from __future__ import annotations

import re
from typing import Any

from e2e_support import Server, counts_seen, shot
from playwright.sync_api import expect


def test_a_run_on_worker_processes_shows_live_counters_and_where_it_ran(
    page: Any, server: Server
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/pipelines/seed_stream")
    launcher = page.locator(".editor-head .launcher")
    launcher.get_by_role("button", name=re.compile(r"^Variables")).click()
    launcher.locator("select[name='executor']").select_option("process")
    for name, value in {"a_sleep": "0.1", "d_sleep": "0.02"}.items():
        launcher.locator(f"input[name='var:{name}']").fill(value)
    launcher.locator(".run-button").click()
    expect(page).to_have_url(re.compile(r"/runs/seed_stream-"))

    counter = page.locator("g.node[data-block='D'] .children-row")
    seen = counts_seen(counter, 100, timeout=60)
    assert any(0 < v < 100 for v in seen), f"no intermediate count was drawn: {sorted(seen)}"
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=60_000)
    expect(counter.locator(".c-done")).to_have_text("100/100")

    zoom_out = page.get_by_role("button", name="\u2212")  # until D is clear of the panel
    zoom_out.click()
    zoom_out.click()
    page.locator("g.node[data-block='D']").click()
    section = page.locator(".executor-section")
    expect(section.locator(".executor-name")).to_have_text("worker processes")
    workers = section.locator(".ran-on .stat")
    expect(workers.first).to_contain_text(re.compile(r"process \d+"))
    shot(page, "run-on-processes")
