"""Replay on the run page: scrubbing the slider under the graph to a moment shows the block
states, item counts and child counters recorded at that moment (GET
/api/runs/{id}/telemetry), moves the timeline's cursor there, and play runs it forward."""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

from e2e_support import ARTIFACTS, Server
from playwright.sync_api import expect

SLOW = {"a_sleep": "0.1", "b_sleep": "0.05", "c_sleep": "0", "d_sleep": "0"}
BLOCKS = ("A", "B", "C", "D")


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def recorded(server: Server, run_id: str, at: int) -> dict[str, Any]:
    body = server.api("GET", f"/api/runs/{run_id}/telemetry?from={at}&to={at}")
    state: dict[str, Any] = body["frames"][0]["s"]
    return state


def pick_moment(server: Server, run_id: str) -> tuple[int, int]:
    """(a moment, in whole 100 ms, when D had some but not all of its children done; the
    recording's length)."""
    whole = server.api("GET", f"/api/runs/{run_id}/telemetry")
    span = whole["end_t"] - whole["start_t"]
    final = recorded(server, run_id, span)["blocks"]["D"]["children"]["succeeded"]
    for at in range(0, span, 100):
        done = (recorded(server, run_id, at)["blocks"].get("D") or {}).get("children") or {}
        if 0 < done.get("succeeded", 0) < final:
            return at, span
    raise AssertionError("no recorded moment with D part way through its children")


def shows(page: Any, state: dict[str, Any]) -> None:
    for name in BLOCKS:
        block = state["blocks"].get(name) or {}
        io = block.get("io") or {}
        expect(node(page, name)).to_contain_text(
            f"in {io.get('items_in', 0)} · out {io.get('items_out', 0)}"
        )
        children = block.get("children")
        if children:
            row = node(page, name).locator("[data-role=children]")
            expect(row).to_have_attribute("data-succeeded", str(children["succeeded"]))
            expect(row).to_have_attribute("data-expected", str(children["expected"]))


def test_scrubbing_shows_the_states_recorded_at_that_moment(server: Server, page: Any) -> None:
    run_id = server.run_to_end("seed_stream", SLOW)["id"]
    at, span = pick_moment(server, run_id)
    then, end = recorded(server, run_id, at), recorded(server, run_id, span)
    page.goto(f"{server.url}/runs/{run_id}")
    bar = page.get_by_test_id("replay")
    expect(bar).to_be_visible()
    shows(page, end)  # a finished run opens on its end

    page.get_by_test_id("replay-slider").fill(str(at))
    shows(page, then)
    assert then["blocks"]["D"]["children"] != end["blocks"]["D"]["children"]
    expect(page.get_by_test_id("replay-clock")).to_contain_text(f"{at / 1000:.1f} s")
    start_t = server.api("GET", f"/api/runs/{run_id}/telemetry?to=0")["start_t"]
    expect(page.locator(".dock-timeline canvas")).to_have_attribute(
        "data-cursor", str(start_t + at)
    )
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 720), (900, 800)):
        page.set_viewport_size({"width": width, "height": height})
        expect(bar).to_be_visible()
        page.screenshot(path=str(folder / f"replay-{width}x{height}.png"))

    page.get_by_role("button", name="play").click()  # plays on to the end, then stops
    shows(page, end)
    expect(page.get_by_role("button", name="play")).to_be_visible(timeout=span + 10_000)
    page.get_by_role("button", name="Back to the end").click()
    expect(page.locator(".dock-timeline canvas")).to_have_attribute("data-cursor", "")


def long_recording(end: dict[str, Any], start_t: int, minutes: int) -> bytes:
    """A recording of `minutes` made from a real run's end state: every block's counts and
    every edge's fill change at each 500 ms sample, a keyframe every 10 s."""
    lines = []
    for step in range(minutes * 120 + 1):
        t = start_t + step * 500
        blocks = {
            name: {"phase": "running", "io": {"items_in": step, "items_out": step}}
            for name in end["blocks"]
        }
        edges = {key: {"fill": {"items": step % 7, "ratio": step % 7 / 7}} for key in end["edges"]}
        if step % 20 == 0:
            state = json.loads(json.dumps(end))
            for part, patch in (("blocks", blocks), ("edges", edges)):
                for key, fields in patch.items():
                    state[part][key].update(fields)
            lines.append({"t": t, "k": 1, "s": state})
        else:
            lines.append({"t": t, "b": blocks, "e": edges})
    return gzip.compress(b"".join(json.dumps(f).encode() + b"\n" for f in lines))


def test_a_jump_in_a_10_minute_recording_redraws_at_once(server: Server, page: Any) -> None:
    run_id = server.run_to_end("seed_stream", {})["id"]
    whole = server.api("GET", f"/api/runs/{run_id}/telemetry")
    end = whole["frames"][-1]["s"]
    folder = server.workspace / ".sluicegate" / "runs" / run_id
    deadline = time.monotonic() + 10
    while (folder / "telemetry.jsonl").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server packs the run's own recording first
    (folder / "telemetry.jsonl.gz").write_bytes(long_recording(end, whole["start_t"], 10))
    page.goto(f"{server.url}/runs/{run_id}")
    slider = page.get_by_test_id("replay-slider")
    expect(slider).to_have_attribute("max", str(10 * 60_000))
    took = []
    for at in (597_300, 12_100, 333_900, 60_000, 485_500):
        took.append(
            page.evaluate(
                """(at) => {
                  const slider = document.querySelector("[data-testid=replay-slider]");
                  const t0 = performance.now();
                  slider.value = String(at);
                  slider.dispatchEvent(new Event("input"));
                  return performance.now() - t0;
                }""",
                at,
            )
        )
        expect(node(page, "A")).to_contain_text(f"in {at // 500} · out {at // 500}")
    print(f"replay seeks in a 10-minute recording: {[round(ms, 1) for ms in took]} ms")
    assert max(took) < 200, took


def test_a_running_run_can_be_scrubbed_and_left_for_live(server: Server, page: Any) -> None:
    started = server.api(
        "POST", "/api/pipelines/seed_stream/runs", {"variables": {"a_sleep": "1.0"}}
    )
    page.goto(f"{server.url}/runs/{started['run_id']}")
    slider = page.get_by_test_id("replay-slider")
    expect(slider).to_be_visible()
    first = int(slider.get_attribute("max") or 0)
    page.wait_for_timeout(2500)
    slider.click()  # scrubbing a running run fetches what was recorded since
    expect(slider).not_to_have_attribute("max", str(first))
    assert int(slider.get_attribute("max") or 0) > first
    back = page.get_by_role("button", name="Back to live")
    expect(back).to_be_visible()
    back.click()
    expect(page.locator(".dock-timeline canvas")).to_have_attribute("data-cursor", "")
    expect(back).to_be_hidden()
