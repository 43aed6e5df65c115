"""The graph as a person arranges and reads it: a dragged node keeps its place across a
reload (saved in layout.yaml, which the run view uses too), "fit" never shrinks text below
a readable size, and a graph first shown after the Notebook tab is fitted, not cut off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ARTIFACTS, Server
from playwright.sync_api import expect

SIZES = [(1280, 720), (900, 800)]


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def translate(locator: Any) -> tuple[float, float]:
    found = re.match(r"translate\(([-\d.]+),([-\d.]+)\)", locator.get_attribute("transform"))
    assert found, locator.get_attribute("transform")
    return float(found.group(1)), float(found.group(2))


def screenshot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def drag_by(page: Any, target: Any, dx: float, dy: float) -> None:
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 12  # the header: not a port, not children
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


def test_a_dragged_node_keeps_its_place_across_a_reload(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/pipelines/seed_stream")
    expect(node(page, "B")).to_be_visible()
    before = translate(node(page, "B"))
    scale = float(page.locator("svg.graph").get_attribute("data-scale"))

    with page.expect_response(lambda r: r.url.endswith("/layout") and r.request.method == "PUT"):
        drag_by(page, node(page, "B").locator(".node-name"), 0, 120)
    moved = translate(node(page, "B"))
    assert moved[1] == pytest.approx(before[1] + 120 / scale, abs=2)
    assert moved[0] == pytest.approx(before[0], abs=2)
    # A drag is not a click: the block was not selected.
    expect(node(page, "B")).not_to_have_class(re.compile(r"\bselected\b"))
    saved = Path(server.workspace / "pipelines/seed_stream/layout.yaml").read_text()
    assert f"B: {{x: {round(moved[0])}, y: {round(moved[1])}}}" in saved
    screenshot(page, "graph-dragged-1280x720")

    page.reload()
    expect(node(page, "B")).to_be_visible()
    assert translate(node(page, "B")) == pytest.approx(moved, abs=1)
    # Its edges follow it: the edge from A ends at B's input port.
    line = page.locator("g.edge[data-edge='A.out->B.A'] .edge-line").get_attribute("d")
    end = [float(v) for v in line.rsplit("L", 1)[1].split(",")]
    assert end[1] == pytest.approx(moved[1] + 52, abs=2)  # the first input port's height

    # The run view draws the pipeline with the same positions.
    run = server.run_to_end("seed_stream", {"a_sleep": "0", "b_sleep": "0", "c_sleep": "0"})
    page.goto(f"{server.url}/runs/{run['id']}")
    expect(node(page, "B")).to_be_visible()
    assert translate(node(page, "B")) == pytest.approx(moved, abs=1)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_fit_keeps_text_readable_and_a_tab_switch_fits_the_graph(
    page: Any, server: Server, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/pipelines/seed_stream#notebook")
    page.locator("button.tab[data-tab=graph]").click()
    expect(node(page, "A")).to_be_visible()
    svg = page.locator("svg.graph")
    expect(svg).to_have_attribute("data-scale", re.compile(r"\d"))

    # A node's text is drawn at 11 px or more.
    script = "t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a"
    for name in ("A", "B", "C", "D"):
        for part, least in ((".node-name", 11), (".node-line", 11)):
            size = node(page, name).locator(part).evaluate(script)
            assert size >= least, f"{name}'s {part} is {size:.1f} px"
    # The first block is whole in view: the graph is not left cut off at the top left.
    area = page.locator(".graph-wrap").bounding_box()
    first = node(page, "A").locator(".node-bg").bounding_box()
    assert first["x"] >= area["x"] and first["y"] >= area["y"]
    assert first["x"] + first["width"] <= area["x"] + area["width"]
    # What the tab switch shows is what "fit" shows.
    shown = page.locator("g.viewport").get_attribute("transform")
    page.locator(".zoom-bar button[title='fit the graph']").click()
    assert page.locator("g.viewport").get_attribute("transform") == shown
    screenshot(page, f"graph-fit-{width}x{height}")
