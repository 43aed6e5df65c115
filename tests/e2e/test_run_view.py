"""The live run view, used as a person would: start runs from the page, watch buffer fill
bars and child counters reach their final values, list a block's children and open one in
the inspector, cancel a run, see a deadlock's cycle and fix, run again in batch mode. Also
takes the README's screenshot of seed_stream mid-run."""

from __future__ import annotations

import os
import re
import time
from typing import Any

from e2e_support import ROOT, Server, counts_seen, shot
from playwright.sync_api import expect

DASH = "\u2013"  # the pagers write ranges with an en dash

SMALL_SLEEPS = {"a_sleep": "0.1", "b_sleep": "0.02", "c_sleep": "0.02", "d_sleep": "0.01"}
DEMO_SLEEPS = {"a_sleep": "0.2", "b_sleep": "0.2", "c_sleep": "0.2", "d_sleep": "0.1"}


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def edge(page: Any, edge_id: str) -> Any:
    return page.locator(f"g.edge[data-edge='{edge_id}']")


def start_from_editor(
    page: Any, server: Server, pipeline: str, variables: dict[str, str], mode: str = "stream"
) -> None:
    """Open the pipeline, set runtime variables and the mode in the run bar, press Run."""
    page.goto(f"{server.url}/pipelines/{pipeline}")
    launcher = page.locator(".editor-head .launcher")
    launcher.locator(f"button[data-mode='{mode}']").click()
    launcher.get_by_role("button", name=re.compile(r"^Variables")).click()
    for name, value in variables.items():
        launcher.locator(f"input[name='var:{name}']").fill(value)
    launcher.locator(".run-button").click()
    expect(page).to_have_url(re.compile(rf"/runs/{pipeline}-"))


def test_seed_stream_counters_and_fill_bars_reach_their_final_values(
    page: Any, server: Server
) -> None:
    start_from_editor(page, server, "seed_stream", SMALL_SLEEPS)
    counter = node(page, "D").locator(".children-row")
    seen = counts_seen(counter, 100)
    assert any(0 < v < 100 for v in seen), f"no intermediate count was drawn: {sorted(seen)}"
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=30_000)
    expect(counter).to_have_attribute("data-final", "1")
    expect(counter.locator(".c-done")).to_have_text("100/100")
    expect(node(page, "B").locator(".children-row .c-done")).to_have_text("10/10")
    expect(node(page, "D").locator(".chip text")).to_have_text("succeeded")
    for edge_id, through in [
        ("A.out->B.A", "10"),
        ("B.out->C.B", "10"),
        ("B.out->D.B", "100"),
        ("C.out->D.C", "100"),
    ]:
        expect(edge(page, edge_id)).to_have_attribute("data-through", through)
        expect(edge(page, edge_id)).to_have_attribute("data-fill", "0")
        expect(edge(page, edge_id)).to_have_attribute("data-state", "done")
    expect(edge(page, "B.out->C.B").locator(".gauge-top")).to_have_text(re.compile(r"^0 / \d"))
    expect(edge(page, "B.out->D.B").locator(".gauge-top")).to_have_text("full · 0")
    expect(page.locator(".timeline-note")).to_contain_text("120 child runs")
    shot(page, "run-seed-stream-done")

    # The children of D, paged (50 a page), and one of them in the inspector.
    node(page, "D").locator(".children-row").click()
    children = page.locator(".side-panel [data-testid=children]")
    expect(children.locator(".child-pager")).to_contain_text(f"1{DASH}50 of 100")
    expect(children.locator("tbody tr")).to_have_count(50)
    children.locator(".child-pager button").last.click()
    expect(children.locator(".child-pager")).to_contain_text(f"51{DASH}100 of 100")
    children.locator("button.chip-btn[data-phase='failed']").click()
    expect(children.locator("tbody")).to_contain_text("No failed children.")
    children.locator("button.chip-btn[data-phase='']").click()
    first = children.locator("tbody tr[data-uuid]").first
    expect(first).to_be_visible()
    uuid = first.get_attribute("data-uuid")
    first.click()
    expect(page.locator(".dock-tab[aria-selected=true]")).to_have_text(f"Output · {uuid}")
    expect(page.locator("[data-testid=inspector]")).to_be_visible()
    shot(page, "run-seed-stream-child")


def test_cancel_a_run(page: Any, server: Server) -> None:
    start_from_editor(page, server, "seed_stream", {"a_sleep": "1"})
    cancel = page.get_by_role("button", name="■ Cancel")
    expect(cancel).to_be_visible(timeout=15_000)
    expect(node(page, "A").locator(".chip text")).to_have_text(
        re.compile("busy|running"), timeout=15_000
    )
    cancel.click()
    expect(page.locator(".run-head .pill-cancelled")).to_be_visible(timeout=20_000)
    expect(node(page, "A").locator(".chip text")).to_have_text("cancelled")
    expect(cancel).to_be_hidden()
    expect(page.get_by_role("button", name="↻ Re-run from failed")).to_be_visible()
    shot(page, "run-cancelled")


def test_deadlock_shows_the_cycle_and_the_fix(page: Any, server: Server) -> None:
    start_from_editor(page, server, "deadlock_diamond", {})
    banner = page.locator("[data-testid=deadlock]")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text("Deadlock: wait-for cycle")
    expect(banner).to_contain_text("S is blocked writing S.out -> B.S")
    expect(banner).to_contain_text("B is blocked writing B.out -> J.right")
    expect(banner).to_contain_text("Fix: J reads its inputs in a dependent order")
    for name in ("S", "B", "J"):
        expect(node(page, name)).to_have_class(re.compile(r"\bhl\b"))
        expect(node(page, name).locator(".chip text")).to_have_text("failed")
    for edge_id in ("S.out->B.S", "B.out->J.right"):
        expect(edge(page, edge_id)).to_have_class(re.compile(r"\bhl\b"))
    expect(page.locator(".run-head .pill-failed")).to_be_visible()
    shot(page, "run-deadlock")

    # The page survives a reload: the deadlock comes from the run's history.
    page.reload()
    expect(banner).to_be_visible()
    expect(edge(page, "B.out->J.right")).to_have_class(re.compile(r"\bhl\b"))

    # Batch mode, the safe mode, never deadlocks on buffers.
    banner.get_by_role("button", name="Run in batch mode").click()
    expect(page.locator(".run-head .run-facts")).to_contain_text("batch mode", timeout=15_000)
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid=deadlock]")).to_be_hidden()


def test_rerun_from_failed_links_back(page: Any, server: Server) -> None:
    start_from_editor(page, server, "deadlock_diamond", {})
    expect(page.locator(".run-head .pill-failed")).to_be_visible(timeout=30_000)
    first = page.url
    page.get_by_role("button", name="↻ Re-run from failed").click()
    expect(page).not_to_have_url(first)
    expect(page.locator(".run-head .run-facts")).to_contain_text("re-run of deadlock_diamond-")


def test_readme_screenshot_of_the_live_run_view(page: Any, server: Server) -> None:
    start_from_editor(page, server, "seed_stream", DEMO_SLEEPS)
    expect(node(page, "D").locator(".children-row")).to_have_attribute(
        "data-succeeded", re.compile(r"^(1[5-9]|[2-9]\d)$"), timeout=30_000
    )
    node(page, "D").locator(".node-name").click()
    page.locator(".dock-tab", has_text="Timeline").click()
    expect(page.locator(".run-head .pill-running")).to_be_visible()
    time.sleep(0.3)
    # The README's picture is replaced only when asked, so a test run leaves the tree clean:
    # SLUICEGATE_UPDATE_SCREENSHOT=1 .venv/bin/python -m pytest tests/e2e -k readme
    target = ROOT / "docs" / "screenshot.png"
    if not os.environ.get("SLUICEGATE_UPDATE_SCREENSHOT"):
        target = ROOT / "test-artifacts" / "readme-screenshot.png"
        target.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000, "a screenshot of a full page, not a blank one"
    shot(page, "readme")
