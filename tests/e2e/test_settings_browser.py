"""Every setting editable in the browser: the config-rule editor and the deadlock banner fix
`deadlock_diamond` so that the next run succeeds, the raw YAML tab keeps a comment through
its own save and a form edit after it, and `sort` added from the Library runs as added.
Screenshots of the panels at 1280x720 and 900x800 go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from e2e_support import ARTIFACTS, Server
from playwright.sync_api import expect

SIZES = ((1280, 720), (900, 800))
DIAMOND = "deadlock_diamond"


def screenshots(page: Any, name: str) -> None:
    """`name` at both sizes; the viewport is left at the first."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in reversed(SIZES):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(folder / f"settings-{name}-{width}x{height}.png"))


def yaml_file(server: Server, pipeline: str = DIAMOND) -> Path:
    return server.workspace / "pipelines" / pipeline / "pipeline.yaml"


def open_editor(page: Any, server: Server, pipeline: str = DIAMOND) -> None:
    """The editor, once it has drawn the pipeline (and its side panel shows it)."""
    page.goto(f"{server.url}/pipelines/{pipeline}")
    expect(page.locator("g.node").first).to_be_visible()


def wait_for_file(path: Path, needle: str, timeout: float = 10.0) -> str:
    """The text of `path` once it holds `needle` (a save from the page is on its way)."""
    deadline = time.monotonic() + timeout
    while needle not in (text := path.read_text()):
        assert time.monotonic() < deadline, f"{path} never held {needle!r}:\n{text}"
        time.sleep(0.05)
    return text


def rule(page: Any, index: int) -> Any:
    return page.locator(f"[data-testid=config-rules] .rule[data-rule='{index}']")


def test_the_config_rule_editor_fixes_the_deadlock(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    assert server.run_to_end(DIAMOND)["status"] == "failed"
    open_editor(page, server)
    first = rule(page, 0)
    expect(first.locator("input.rule-target")).to_have_value("J.right")
    expect(first.locator(".rule-ports li[data-edge='B.out->J.right']")).to_contain_text(
        "decides buffering_mode"
    )
    first.scroll_into_view_if_needed()
    screenshots(page, "config-rules")

    first.locator("select[name='rule-0-buffering_mode']").select_option("full")
    expect(first.locator("select[name='rule-0-buffering_mode']")).to_have_value("full")
    expect(page.locator(".problems")).not_to_contain_text("possible deadlock", timeout=10_000)
    text = yaml_file(server).read_text()
    assert "apply_to: J.right\n    buffering_mode: full" in text
    assert text.startswith("# SPEC §4.15 case 3"), "the file's comments are kept"
    assert server.run_to_end(DIAMOND)["status"] == "succeeded"

    # add a rule, see the ports it matches, move it first, delete it
    page.fill("input[name=new-rule-apply_to]", "J.*")
    page.select_option("select[name=new-rule-key]", "rows_per_buffer")
    page.fill("input[name=new-rule-value]", "16")
    page.get_by_role("button", name="Add rule").click()
    second = rule(page, 1)
    expect(second.locator("input.rule-target")).to_have_value("J.*")
    expect(second.locator(".rule-ports li")).to_have_count(2)
    second.get_by_title("move up (earlier: loses to later rules)").click()
    expect(rule(page, 0).locator("input.rule-target")).to_have_value("J.*")
    rule(page, 0).get_by_role("button", name="delete rule 1").click()
    expect(page.locator("[data-testid=config-rules] .rule")).to_have_count(1)
    assert "J.*" not in yaml_file(server).read_text()


def test_the_deadlock_banner_applies_the_fix_where_it_wins_and_runs_again(
    page: Any, server: Server
) -> None:
    failed = server.run_to_end(DIAMOND)
    assert failed["status"] == "failed"
    deadline = time.monotonic() + 10  # the run's events reach its history just after it ends
    while not server.api("GET", f"/api/runs/{failed['id']}/events?kind=deadlock")["items"]:
        assert time.monotonic() < deadline, "the deadlock event was not recorded"
        time.sleep(0.1)
    page.goto(f"{server.url}/runs/{failed['id']}")
    fix = page.locator("[data-testid=deadlock] [data-testid=apply-fix]")
    expect(fix).to_have_text("Fix: J.right → full, run again", timeout=20_000)
    screenshots(page, "deadlock-banner")
    fix.click()
    expect(page).not_to_have_url(re.compile(re.escape(failed["id"]) + "$"), timeout=15_000)
    expect(page.locator(".run-head .pill-succeeded")).to_be_visible(timeout=30_000)
    # the rule that forced J.right was changed, not a block setting it overrides
    text = yaml_file(server).read_text()
    assert "- apply_to: J.right\n    buffering_mode: full" in text
    assert "ports:" not in text


def test_the_yaml_tab_keeps_a_comment_through_a_save(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_editor(page, server)
    page.get_by_role("button", name="Edit YAML").click()
    dialog = page.locator("[data-testid=yaml-editor]")
    editor = dialog.locator(".cm-content")
    expect(editor).to_contain_text("apply_to: J.right")
    # highlighted: keys and comments are drawn in their own styles
    expect(editor.locator("span").first).to_be_visible()
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("# a comment typed in the browser\n")
    expect(dialog.locator(".yaml-status")).to_have_text("unsaved changes")
    screenshots(page, "yaml-tab")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator(".yaml-status")).to_have_text("saved")
    assert yaml_file(server).read_text().startswith("# a comment typed in the browser\n# SPEC")

    # a file that does not load is refused with the problem; the file on disk stays
    saved = yaml_file(server).read_bytes()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nmode: sideways\n")
    page.keyboard.press("Control+s")
    expect(dialog.locator(".yaml-error")).to_contain_text("invalid value 'sideways'")
    expect(dialog.locator(".yaml-status")).to_have_text("not saved")
    assert yaml_file(server).read_bytes() == saved
    dialog.get_by_role("button", name="Revert").click()
    expect(dialog.locator(".yaml-error")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    # a form edit afterwards keeps the comment too
    page.locator("details[data-fold=buffers] > summary").click()
    field = page.locator("input[name='buffers-rows_per_buffer']")
    field.fill("32")
    field.press("Enter")
    text = wait_for_file(yaml_file(server), "rows_per_buffer: 32")
    assert text.startswith("# a comment typed in the browser\n# SPEC")
    assert "rows_per_buffer: 32" in text


def test_sort_from_the_library_runs_as_added(page: Any, empty_server: Server) -> None:
    server = empty_server
    server.api("POST", "/api/pipelines", {"name": "lib", "description": ""})
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/pipelines/lib")
    for item, name in [
        ("sources/range_rows", "range_rows"),
        ("transforms/sort", "sort"),
        ("sinks/count_rows", "count_rows"),
    ]:
        page.locator(f"button.lib-item[data-library='{item}']").click()
        expect(page.locator(f"g.node[data-block='{name}']")).to_be_visible()
    # sort's panel shows the collect input style it declares
    page.locator("g.node[data-block='sort']").click()
    expect(page.locator("select[name=input_style]")).to_have_value("collect")
    for src, dst in [("range_rows", "sort"), ("sort", "count_rows")]:
        server.api("POST", "/api/pipelines/lib/edges", {"src": src, "dst": dst})
    run = server.run_to_end("lib", {"rows": 300})
    assert run["status"] == "succeeded", run


def test_run_settings_and_workspace_settings_are_edited_in_the_panel(
    page: Any, server: Server
) -> None:
    workspace_file = server.workspace / "sluicegate.yaml"
    workspace_file.write_text("# shared by the team\nsettings:\n  max_running: 8  # two cores\n")
    page.set_viewport_size({"width": 1280, "height": 720})
    open_editor(page, server)
    page.locator("details[data-fold=settings] > summary").click()
    running = page.locator(".level-fields[data-section=settings] .field").filter(
        has=page.locator("input[name='settings-max_running']")
    )
    expect(running.locator(".resolved")).to_have_text("8 · workspace")
    running.locator("input").fill("4")
    running.locator("input").press("Enter")
    expect(page.locator(".level-fields .resolved").first).to_be_visible()
    wait_for_file(yaml_file(server), "max_running: 4")
    expect(
        page.locator(".level-fields[data-section=settings] .field")
        .filter(has=page.locator("input[name='settings-max_running']"))
        .locator(".resolved")
    ).to_have_text("4 · pipeline")

    page.locator("details[data-fold=workspace] > summary").click()
    keep = page.locator("select[name='workspace-keep_outputs']")
    keep.select_option("sample")
    text = wait_for_file(workspace_file, "keep_outputs: sample")
    assert text.startswith("# shared by the team\n") and "max_running: 8  # two cores" in text
    page.locator("details[data-fold=workspace]").scroll_into_view_if_needed()
    screenshots(page, "workspace-settings")
