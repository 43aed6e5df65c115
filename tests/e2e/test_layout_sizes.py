"""Every page on a laptop screen (1280x720) and a narrow window (900x800): nothing scrolls
sideways, the primary buttons (New pipeline, Run, New run, Re-run, Cancel) are in view, the
run title is not cut, the output inspector shows at least five children, the side panels
and the dock fold away and stay folded after a reload, the child counters have a legend,
and toasts close by themselves (at most three at once). Screenshots of every page at both
sizes go to test-artifacts/screenshots/layout-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import ARTIFACTS, Server, make_workspace
from playwright.sync_api import expect

SIZES = [(1280, 720), (900, 800)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]
SCREENSHOTS = ARTIFACTS / "screenshots"

# The part of an element that is really on screen: its box cut by every scrolling or
# clipping ancestor and by the viewport.
VISIBLE_BOX = """el => {
  let r = el.getBoundingClientRect();
  let top = r.top, bottom = r.bottom, left = r.left, right = r.right;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const p = a.getBoundingClientRect();
    top = Math.max(top, p.top); bottom = Math.min(bottom, p.bottom);
    left = Math.max(left, p.left); right = Math.min(right, p.right);
  }
  top = Math.max(top, 0); left = Math.max(left, 0);
  bottom = Math.min(bottom, innerHeight); right = Math.min(right, innerWidth);
  return {top, bottom, left, right, height: r.height, width: r.width};
}"""


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module (tests that change the workspace add to it only)."""
    server = Server(make_workspace(tmp_path_factory.mktemp("layout")))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runs(layout_server: Server) -> dict[str, str]:
    """A finished run of seed_stream (a dynamic block with 100 children) and a deadlocked run
    of deadlock_diamond, by kind."""
    return {
        "dynamic": layout_server.run_to_end("seed_stream")["id"],
        "failed": layout_server.run_to_end("deadlock_diamond")["id"],
    }


@pytest.fixture
def open_page(browser: Any, layout_server: Server) -> Iterator[Any]:
    """open_page(width, height) -> a logged-in page of that size (fresh localStorage)."""
    contexts = []

    def make(width: int, height: int) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        layout_server.log_in(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"layout-{name}-{size['width']}x{size['height']}.png"))


def assert_no_sideways_scroll(page: Any, where: str) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{where}: the page is {width} px wide in a {inner} px window"


def assert_in_view(locator: Any, what: str) -> None:
    expect(locator).to_be_visible()
    box = locator.evaluate(VISIBLE_BOX)
    assert box["bottom"] - box["top"] >= box["height"] - 1, f"{what} is cut: {box}"
    assert box["right"] - box["left"] >= box["width"] - 1, f"{what} is cut: {box}"


def graph_drawn(page: Any) -> None:
    expect(page.locator("g.node").first).to_be_visible(timeout=15_000)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_home_runs_and_editor_fit_the_screen(
    open_page: Any, layout_server: Server, runs: dict[str, str], size: tuple[int, int]
) -> None:
    assert runs  # the run tables have rows
    page = open_page(*size)
    url = layout_server.url

    page.goto(url + "/")
    expect(page.locator("a.card").first).to_be_visible()
    assert_no_sideways_scroll(page, "home")
    assert_in_view(page.get_by_role("button", name="New pipeline"), "New pipeline")
    screenshot(page, "home")

    page.goto(url + "/runs")
    expect(page.locator("tr[data-run]").first).to_be_visible()
    assert_no_sideways_scroll(page, "runs")
    assert_in_view(page.locator("select[name=status]"), "the status filter")
    fits = page.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert fits, "the runs table scrolls sideways"
    screenshot(page, "runs")

    page.goto(url + "/pipelines/seed_stream")
    graph_drawn(page)
    assert_no_sideways_scroll(page, "editor")
    assert_in_view(page.locator(".editor-head .run-button"), "Run")
    assert_in_view(
        page.locator(".editor-head .launcher button[data-mode=batch]"), "the mode switch"
    )
    assert_in_view(page.locator(".palette button[type=submit]"), "Add block")
    screenshot(page, "editor-graph")

    page.locator("button.tab[data-tab=notebook]").click()
    cell_run = page.locator("button.cell-run").first
    expect(cell_run).to_be_visible(timeout=15_000)
    # An edit shows the cell's Save button (hidden while the cell is saved).
    page.locator(".cm-content").first.click()
    page.keyboard.press("End")
    page.keyboard.type("  ")
    save = page.locator("button.cell-save").first
    expect(save).to_be_visible()
    assert_no_sideways_scroll(page, "notebook")
    assert_in_view(page.locator(".editor-head .run-button"), "Run (notebook)")
    assert_in_view(cell_run, "a cell's Run")
    assert_in_view(save, "a cell's Save")
    screenshot(page, "editor-notebook")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_run_views_fit_the_screen(
    open_page: Any, layout_server: Server, runs: dict[str, str], size: tuple[int, int]
) -> None:
    page = open_page(*size)

    page.goto(f"{layout_server.url}/runs/{runs['dynamic']}")
    graph_drawn(page)
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible()
    assert_no_sideways_scroll(page, "run view")
    assert_in_view(page.get_by_role("button", name="New run"), "New run")
    assert_in_view(page.get_by_role("button", name="↻ Re-run", exact=True), "Re-run")
    title = page.locator(".run-head .run-title")
    expect(title).to_have_text(re.compile(r"^run \d{8}-\d{6}-[0-9a-f]+$"))
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), "the run title is cut"
    assert title.get_attribute("title") is None, "a title that fits needs no tooltip"
    legend = page.get_by_test_id("counter-legend")
    expect(legend).to_be_visible()
    for words in ("done / expected", "▸", "running", "✕", "failed or cancelled"):
        expect(legend).to_contain_text(words)
    screenshot(page, "run")

    page.goto(f"{layout_server.url}/runs/{runs['failed']}")
    expect(page.locator(".deadlock")).to_be_visible(timeout=15_000)
    assert_no_sideways_scroll(page, "deadlocked run view")
    assert_in_view(page.get_by_role("button", name="Re-run from failed"), "Re-run from failed")
    assert_in_view(page.get_by_role("button", name="New run"), "New run (deadlock)")
    expect(page.get_by_test_id("counter-legend")).to_be_hidden()  # no block has children
    screenshot(page, "run-deadlock")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_running_run_shows_cancel(
    open_page: Any, layout_server: Server, size: tuple[int, int]
) -> None:
    page = open_page(*size)
    body = {"variables": {"a_sleep": 1}}
    run_id = layout_server.api("POST", "/api/pipelines/seed_stream/runs", body)["run_id"]
    page.goto(f"{layout_server.url}/runs/{run_id}")
    cancel = page.get_by_role("button", name="■ Cancel")
    expect(cancel).to_be_visible(timeout=15_000)
    assert_no_sideways_scroll(page, "running run view")
    assert_in_view(cancel, "Cancel")
    assert_in_view(page.get_by_role("button", name="New run"), "New run (running)")
    graph_drawn(page)
    screenshot(page, "run-running")
    cancel.click()
    expect(page.locator(".run-head .pill-cancelled")).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_inspector_shows_at_least_five_children(
    open_page: Any, layout_server: Server, runs: dict[str, str], size: tuple[int, int]
) -> None:
    page = open_page(*size)
    page.goto(f"{layout_server.url}/runs/{runs['dynamic']}")
    graph_drawn(page)
    # The graph may be wider than its pane (it pans): select D without scrolling to it.
    page.locator("g.node[data-block='D']").dispatch_event("click")
    rows = page.locator("[data-testid=inspector-children] button.insp-child")
    expect(rows).to_have_count(50, timeout=15_000)
    expect(page.get_by_test_id("output-items")).to_be_visible()
    assert_no_sideways_scroll(page, "inspector")
    visible = [
        box
        for box in rows.evaluate_all(f"els => els.map({VISIBLE_BOX})")
        if box["height"] > 0 and box["bottom"] - box["top"] >= box["height"] - 1
    ]
    assert len(visible) >= 5, f"{len(visible)} child rows fully visible"
    assert_in_view(page.get_by_role("button", name="New run"), "New run (inspector)")
    screenshot(page, "run-inspector")


def test_side_panels_and_dock_fold_and_stay_folded(
    open_page: Any, layout_server: Server, runs: dict[str, str]
) -> None:
    page = open_page(1280, 720)
    page.goto(f"{layout_server.url}/runs/{runs['dynamic']}")
    graph_drawn(page)
    panel = page.locator(".run-panel")
    graph = page.locator(".graph-area")
    wide = graph.bounding_box()["width"]
    page.locator("[data-fold=run-panel]").click()
    expect(panel).to_be_hidden()
    assert graph.bounding_box()["width"] > wide + 250, "the graph did not take the panel's room"

    dock = page.get_by_test_id("dock")
    tall = dock.bounding_box()["height"]
    page.locator("[data-fold=run-dock]").click()
    expect(page.locator(".dock-timeline")).to_be_hidden()
    assert dock.bounding_box()["height"] < min(tall, 60)

    page.reload()
    graph_drawn(page)
    expect(panel).to_be_hidden()
    expect(page.locator(".dock-timeline")).to_be_hidden()
    expect(page.locator("[data-fold=run-panel]")).to_have_text("« Details")
    assert_no_sideways_scroll(page, "run view, folded")
    screenshot(page, "run-folded")
    # A dock tab unfolds the dock; the fold button brings the panel back.
    page.get_by_role("button", name="Timeline", exact=True).click()
    expect(page.locator(".dock-timeline")).to_be_visible()
    page.locator("[data-fold=run-panel]").click()
    expect(panel).to_be_visible()

    page.goto(f"{layout_server.url}/pipelines/seed_stream")
    graph_drawn(page)
    page.locator("[data-fold=palette]").click()
    page.locator("[data-fold=editor-panel]").click()
    expect(page.locator(".palette")).to_be_hidden()
    expect(page.locator(".editor-body > .side-panel")).to_be_hidden()
    page.reload()
    graph_drawn(page)
    expect(page.locator(".palette")).to_be_hidden()
    expect(page.locator(".editor-body > .side-panel")).to_be_hidden()
    screenshot(page, "editor-folded")
    # The folded panel's button says what it would show.
    page.locator("g.node[data-block='A']").dispatch_event("click")
    expect(page.locator("[data-fold=editor-panel]")).to_have_text("« Settings · A")
    page.locator("[data-fold=palette]").click()
    page.locator("[data-fold=editor-panel]").click()
    expect(page.locator(".palette")).to_be_visible()
    expect(page.locator(".editor-body > .side-panel")).to_be_visible()


def test_toasts_close_by_themselves_and_at_most_three_stack(
    open_page: Any, layout_server: Server
) -> None:
    page = open_page(1280, 720)
    page.goto(f"{layout_server.url}/pipelines/seed_stream")
    graph_drawn(page)
    name = page.locator("input[name=new-block-name]")
    toasts = page.locator(".toast-item")
    for i in range(4):  # four rejected names: four different errors
        name.fill(f"bad name {i}")
        page.locator(".palette button[type=submit]").click()
        expect(page.locator(".palette .form-error")).to_contain_text(f"'bad name {i}'")
        # The rejected name stays in the field, to be fixed.
        expect(name).to_have_value(f"bad name {i}")
    expect(toasts).to_have_count(3)
    expect(toasts.first).to_contain_text("'bad name 1'")  # the oldest made room
    expect(toasts.last).to_contain_text("'bad name 3'")
    # The same error again counts instead of stacking, and starts its time again.
    page.locator(".palette button[type=submit]").click()
    expect(toasts).to_have_count(3)
    expect(toasts.last).to_contain_text("\u00d72")
    page.mouse.move(10, 10)  # not over a toast (that pauses its time)
    screenshot(page, "toasts")
    toasts.first.get_by_role("button", name="close").click()
    expect(toasts).to_have_count(2)
    page.wait_for_timeout(5_000)
    expect(toasts.filter(has_text="\u00d72")).to_have_count(1)  # an error stays about 8 s
    expect(toasts).to_have_count(0, timeout=10_000)  # and then closes by itself
    # A name that is accepted clears the field and the error under it.
    name.fill("good_name")
    page.locator(".palette button[type=submit]").click()
    expect(page.locator("g.node[data-block='good_name']")).to_be_attached(timeout=15_000)
    expect(name).to_have_value("")
    expect(page.locator(".palette .form-error")).to_be_empty()
    folder = layout_server.workspace / "pipelines" / "seed_stream"
    assert (folder / "good_name.py").exists() and not list(folder.glob("bad*"))


def test_the_home_page_drops_an_old_error_once_a_load_succeeds(
    open_page: Any, layout_server: Server
) -> None:
    page = open_page(1280, 720)
    failures: list[str] = []

    def fail_once(route: Any) -> None:
        if failures:
            route.continue_()
            return
        failures.append(route.request.url)
        body = '{"error": {"type": "Unavailable", "message": "the workspace is busy"}}'
        route.fulfill(status=503, content_type="application/json", body=body)

    page.route("**/api/pipelines", fail_once)
    page.goto(layout_server.url + "/")
    toast = page.locator(".toast-item", has_text="the workspace is busy")
    expect(toast).to_be_visible()
    # Something happens in the workspace (a run ends): the page loads again, and succeeds.
    layout_server.run_to_end("deadlock_diamond")
    expect(page.locator("a.card").first).to_be_visible(timeout=15_000)
    # At once, not when the toast would have closed by itself (8 s after it opened).
    expect(toast).to_have_count(0, timeout=500)
