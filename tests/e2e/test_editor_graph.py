"""The graph editor, used as a person would: build a pipeline from an empty workspace by
creating it, adding blocks from the palette, dragging from output ports to blocks, and
running it; edit settings in the side panel; see lint warnings on the block and port they
concern; see changes made on disk appear without a reload."""

from __future__ import annotations

import re
from typing import Any

from e2e_support import Server, shot
from playwright.sync_api import expect


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def drag_connect(page: Any, src: str, dst: str) -> None:
    """Press on `src`'s output port, drag onto block `dst`, release."""
    port = node(page, src).locator(".port-out circle:not(.port-hit)").first
    start = port.bounding_box()
    target = node(page, dst).locator(".node-bg").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=12)
    page.mouse.up()


def add_new_block(page: Any, name: str, kind: str) -> None:
    page.fill("input[name=new-block-name]", name)
    page.select_option("select[name=new-block-kind]", kind)
    page.get_by_role("button", name="+ Add block").click()
    expect(node(page, name)).to_be_visible()


def add_library_block(page: Any, item: str, name: str) -> None:
    page.locator(f"button.lib-item[data-library='{item}']").click()
    expect(node(page, name)).to_be_visible()


def test_build_a_three_block_pipeline_and_run_it(page: Any, empty_server: Server) -> None:
    page.goto(empty_server.url + "/")
    expect(page.get_by_text("This workspace has no pipelines yet.")).to_be_visible()
    page.get_by_role("button", name="New pipeline").click()
    page.fill("input[name=name]", "three")
    page.fill("input[name=description]", "built in the browser")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/pipelines/three$"))
    expect(page.locator(".graph-empty")).to_contain_text("No blocks yet")

    add_library_block(page, "sources/range_rows", "range_rows")
    add_new_block(page, "passthrough", "transformer")
    add_library_block(page, "sinks/count_rows", "count_rows")

    drag_connect(page, "range_rows", "passthrough")
    expect(
        page.locator("g.edge[data-edge='range_rows.out->passthrough.range_rows']")
    ).to_be_visible()
    drag_connect(page, "passthrough", "count_rows")
    expect(
        page.locator("g.edge[data-edge='passthrough.out->count_rows.passthrough']")
    ).to_be_visible()
    shot(page, "editor-three-blocks")

    page.locator(".launcher .run-button").click()
    expect(page).to_have_url(re.compile(r"/runs/three-"))
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=30_000)
    expect(node(page, "count_rows").locator(".chip text")).to_have_text("succeeded")
    edge = page.locator("g.edge[data-edge='range_rows.out->passthrough.range_rows']")
    expect(edge).to_have_attribute("data-through", "1000")
    expect(node(page, "count_rows").locator(".node-line")).to_contain_text("in 1000 · out 1")
    shot(page, "run-three-blocks")


def test_side_panel_edits_settings_and_shows_resolved_port_values(
    page: Any, server: Server
) -> None:
    page.goto(server.url + "/pipelines/deadlock_diamond")
    # The lint warning is on the block, on the port, and in the problems strip.
    expect(page.locator(".problems")).to_contain_text("possible deadlock at J.right")
    expect(node(page, "J")).to_have_class(re.compile("has-warning"))
    expect(node(page, "J").locator(".port-warn[data-port='right']")).to_have_count(1)

    node(page, "J").locator(".node-name").click()
    panel = page.locator(".side-panel")
    port = panel.locator(".port-box[data-port='right']")
    expect(port).to_contain_text("possible deadlock")
    expect(port.locator(".resolved").first).to_contain_text("limited")
    expect(port.locator(".resolved").first).to_contain_text("pipeline config (apply_to J.right)")
    left = panel.locator(".port-box[data-port='left']")
    expect(left.locator(".resolved").first).to_contain_text("default: dependent multi-input")

    # A port setting saved on the block shows its resolved value and source; one that an
    # `apply_to` rule overrides says so.
    port.locator("input[name='rows_per_buffer:right']").fill("100")
    port.locator("input[name='rows_per_buffer:right']").press("Enter")
    port = panel.locator(".port-box[data-port='right']")
    expect(port.locator(".resolved").nth(1)).to_contain_text("100 · block ports")
    port.locator("select[name='buffering_mode:right']").select_option("full")
    expect(panel.locator(".port-box[data-port='right'] .override-note")).to_contain_text(
        "pipeline config (apply_to J.right) sets limited and wins"
    )
    expect(page.locator("g.edge[data-edge='B.out->J.right'] .gauge-right")).to_have_text("cap 400")

    # Block settings: dynamic shows as a badge on the node.
    node(page, "B").locator(".node-name").click()
    panel.locator("input[name=dynamic]").check()
    expect(node(page, "B").locator(".badge-dynamic")).to_be_visible()
    shot(page, "editor-panel")


def test_rename_and_remove(page: Any, server: Server) -> None:
    page.goto(server.url + "/pipelines/seed_stream")
    node(page, "C").locator(".node-name").click()
    name = page.locator(".side-panel input.rename")
    name.fill("C2")
    name.press("Enter")
    expect(node(page, "C2")).to_be_visible()
    expect(node(page, "C")).to_have_count(0)
    expect(page.locator("g.edge[data-edge='C2.out->D.C2']")).to_be_visible()

    page.locator("g.edge[data-edge='C2.out->D.C2'] .gauge").click()
    page.locator(".side-panel").get_by_role("button", name="Remove edge").click()
    expect(page.locator("g.edge[data-edge='C2.out->D.C2']")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    node(page, "C2").locator(".node-name").click()
    page.locator(".side-panel").get_by_role("button", name="Delete").click()
    expect(node(page, "C2")).to_have_count(0)


def test_changes_on_disk_appear_without_reload(page: Any, server: Server) -> None:
    page.goto(server.url + "/pipelines/seed_stream")
    expect(node(page, "D")).to_be_visible()
    yaml_path = server.workspace / "pipelines" / "seed_stream" / "pipeline.yaml"
    text = yaml_path.read_text()
    yaml_path.write_text(text.replace("  - name: D\n", "  - name: D\n    collect: true\n"))
    expect(node(page, "D").locator(".badge-collect")).to_be_visible(timeout=10_000)

    # An invalid file shows its error and keeps the last valid graph.
    yaml_path.write_text("blocks: [\n")
    expect(page.locator(".stale-banner")).to_be_visible(timeout=10_000)
    expect(node(page, "D")).to_be_visible()
    shot(page, "editor-invalid-yaml")
    yaml_path.write_text(text)
    expect(page.locator(".stale-banner")).to_be_hidden(timeout=10_000)
    expect(node(page, "D").locator(".badge-collect")).to_have_count(0)
