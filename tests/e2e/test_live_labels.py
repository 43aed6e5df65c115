"""The live labels of the run view say what is true of the whole frame. Recorded websocket
frames of a seed_stream run (tests/e2e/frames/) are replayed into the page one step at a
time, so each case is checked at the moment it happens, never raced:

- an edge fed by a dynamic or replicated block is not "done" / "upstream done" while that
  block still produces;
- a block whose phase event says it succeeded reads "succeeded", not the "1 busy" of the
  telemetry before it;
- large numbers are abbreviated and no label leaves its node or runs into its neighbour;
- a re-run shows the blocks it reused as "reused", and their edges not as dropped work.
Plus, on real runs: the timeline's colours once a run has ended, and a bar for a very
short failed run."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ARTIFACTS, Server
from playwright.sync_api import expect

HERE = Path(__file__).parent
FRAMES = json.loads((HERE / "frames/seed_stream_live.json").read_text())["frames"]
RERUN = json.loads((HERE / "frames/seed_stream_rerun.json").read_text())["frames"]
FAST = {"a_sleep": "0", "b_sleep": "0", "c_sleep": "0", "d_sleep": "0"}


def node(page: Any, name: str) -> Any:
    return page.locator(f"g.node[data-block='{name}']")


def edge(page: Any, edge_id: str) -> Any:
    return page.locator(f"g.edge[data-edge='{edge_id}']")


def screenshot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


class Replay:
    """The run page of a real run of seed_stream whose /ws is this test's: frames are
    sent when the test says."""

    def __init__(self, page: Any, server: Server, frames: list[Any] = FRAMES) -> None:
        self.page = page
        self.frames = frames
        self.run_id = server.run_to_end("seed_stream", FAST)["id"]
        self.sockets: list[Any] = []
        page.route_web_socket(re.compile(r"/ws$"), lambda ws: self.sockets.append(ws))
        page.goto(f"{server.url}/runs/{self.run_id}")
        expect(node(page, "D")).to_be_visible()
        deadline = time.monotonic() + 10
        while not self.sockets and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert self.sockets, "the page did not open its live connection"
        self.at = 0
        self.seq = 0

    def send(self, frame: dict[str, Any]) -> None:
        text = json.dumps(frame).replace("RUN_ID", self.run_id)
        self.seq = max(self.seq, frame.get("seq", 0))
        self.sockets[0].send(text)

    def until(self, index: int) -> None:
        """Send the recorded frames up to and including `index`."""
        while self.at <= index:
            self.send(self.frames[self.at][1])
            self.at += 1
        self.page.wait_for_timeout(600)  # the page redraws at most 5 times a second

    def delta(self, blocks: dict[str, Any], edges: dict[str, Any]) -> None:
        self.send(
            {
                "v": 1,
                "type": "delta",
                "run_id": "RUN_ID",
                "seq": self.seq + 1,
                "t": 0,
                "blocks": blocks,
                "edges": edges,
            }
        )
        self.page.wait_for_timeout(600)


def index_of(test: Any) -> int:
    return next(i for i, (_, f) in enumerate(FRAMES) if test(f))


def word(page: Any, edge_id: str) -> str:
    return str(edge(page, edge_id).get_attribute("data-word"))


def test_edges_of_a_producing_block_are_not_done_and_phase_wins_over_a_stale_label(
    page: Any, server: Server
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    replay = Replay(page, server)
    # The kernel says A.out->B.A is done (each of A's items went to its own child) while A
    # still yields: the page says it is active.
    done_early = index_of(
        lambda f: (
            f["type"] == "delta" and f.get("edges", {}).get("A.out->B.A", {}).get("state") == "done"
        )
    )
    replay.until(done_early)
    assert FRAMES[done_early][1]["edges"]["A.out->B.A"]["state"] == "done"
    expect(edge(page, "A.out->B.A")).to_have_attribute("data-word", "active")
    expect(edge(page, "A.out->B.A").locator(".gauge-bottom")).not_to_contain_text("done")
    expect(node(page, "A")).to_have_attribute("data-word", re.compile("busy|running"))

    # B (replicated: a child per item of A) still runs children: its edges are not done.
    b_between = index_of(
        lambda f: (
            f["type"] == "delta"
            and f.get("edges", {}).get("B.out->D.B", {}).get("state") in ("done", "upstream_done")
            and f.get("blocks", {}).get("B", {}).get("phase") not in (None, "succeeded")
        )
    )
    replay.until(b_between)
    for edge_id in ("B.out->D.B", "B.out->C.B"):
        assert word(page, edge_id) == "active", edge_id
    screenshot(page, "live-labels-mid-run-1280x720")
    # While it runs, the run panel's duration counts up (it was a dash).
    duration = page.get_by_test_id("run-duration")
    expect(duration).to_have_text(re.compile(r"\d"))
    first = duration.text_content()
    page.wait_for_timeout(1200)
    assert duration.text_content() != first

    # A's "succeeded" arrives as an event before the telemetry that ends its "1 busy".
    a_done = index_of(
        lambda f: f.get("kind") == "phase" and f.get("uuid") == "A" and f["to"] == "succeeded"
    )
    replay.until(a_done)
    expect(node(page, "A").locator(".chip text")).to_have_text("succeeded")
    expect(node(page, "A")).to_have_class(re.compile(r"\btone-ok\b"))

    replay.until(len(FRAMES) - 1)
    for edge_id in ("A.out->B.A", "B.out->C.B", "B.out->D.B", "C.out->D.C"):
        expect(edge(page, edge_id)).to_have_attribute("data-word", "done")
    expect(node(page, "D").locator(".chip text")).to_have_text("succeeded")


# For an SVG group: its texts (not port labels or warning flags) that leave the rectangle
# `sel`, or overlap one another, in the group's coordinates.
OUTSIDE_OR_OVERLAPPING = """(g, sel) => {
  const box = g.querySelector(sel).getBBox();
  const texts = [...g.querySelectorAll(':scope > text, :scope > g > text')].filter(
    (t) => t.textContent && !t.closest('.node-flag') && !t.classList.contains('port-label'));
  const boxes = texts.map((t) => {
    const b = t.getBBox();
    const m = g.getScreenCTM().inverse().multiply(t.getScreenCTM());
    return {t: t.textContent, x0: b.x + m.e, x1: b.x + b.width + m.e,
            y0: b.y + m.f, y1: b.y + b.height + m.f};
  });
  const out = [];
  for (const b of boxes)
    if (b.x0 < box.x - 0.5 || b.x1 > box.x + box.width + 0.5) out.push(`${b.t} leaves`);
  for (const a of boxes) for (const b of boxes)
    if (a.t < b.t && a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
      out.push(`${a.t} overlaps ${b.t}`);
  return out;
}"""


def inside(page: Any, group: Any, box_selector: str) -> list[str]:
    """The texts of `group` that leave its `box_selector` rectangle, or touch each other."""
    return group.evaluate(OUTSIDE_OR_OVERLAPPING, box_selector)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (900, 800)])
def test_big_numbers_are_short_and_labels_stay_in_their_boxes(
    page: Any, server: Server, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    replay = Replay(page, server)
    replay.until(index_of(lambda f: f["type"] == "snapshot"))
    replay.delta(
        {
            "D": {
                "phase": "running",
                "activity": "busy",
                "label": "2047 busy · 583682 queued",
                "internal_bytes": 63_450_000,
                "io": {"items_in": 1_234_567, "items_out": 583_682},
            },
        },
        {
            "B.out->C.B": {
                "state": "active",
                "capacity": {"items": 4096, "bytes": 1 << 26},
                "fill": {"items": 2047, "bytes": 1 << 20, "ratio": 0.5, "level": "green"},
                "total": {"items_in": 583_682, "items_out": 581_635},
            },
            "B.out->D.B": {
                "state": "active",
                "fill": {"items": 20_470, "bytes": 5 << 20},
                "total": {"items_in": 58_368_200, "items_out": 1000},
            },
        },
    )
    gauge = edge(page, "B.out->C.B")
    expect(gauge.locator(".gauge-top")).to_have_text("2.0k / 4.1k")
    expect(gauge.locator(".gauge-right")).to_have_text(re.compile(r"^584k( in)?$"))
    expect(edge(page, "B.out->D.B").locator(".gauge-top")).to_have_text("full · 20k")
    expect(node(page, "D").locator(".node-held")).to_have_text("holds 61 MiB")
    expect(node(page, "D").locator(".node-line")).to_have_text("in 1.2M · out 584k")
    for name in ("A", "B", "C", "D"):
        assert inside(page, node(page, name), ".node-bg") == [], name
    for edge_id in ("A.out->B.A", "B.out->C.B", "B.out->D.B", "C.out->D.C"):
        assert inside(page, edge(page, edge_id).locator(".gauge"), ".gauge-bg") == [], edge_id
    screenshot(page, f"live-labels-big-numbers-{width}x{height}")


def test_a_rerun_shows_reused_blocks_as_reused_not_as_dropped_work(
    page: Any, server: Server
) -> None:
    # Recorded: "Re-run from failed" of a run that succeeded. The kernel replays A (reason
    # "reused") and the children of B, C and D; their edges end cancelled, items discarded.
    replay = Replay(page, server, RERUN)
    replay.until(len(RERUN) - 1)
    edges = next(f for _, f in RERUN if f["type"] == "snapshot" and f["run_id"] == "RUN_ID")
    assert any(e["state"] == "cancelled" for e in edges["edges"].values())
    for name in ("A", "B", "C", "D"):
        expect(node(page, name).locator(".chip text")).to_have_text("reused")
        expect(node(page, name)).to_have_class(re.compile(r"\btone-ok\b"))
    for edge_id in edges["edges"]:
        expect(edge(page, edge_id)).to_have_attribute("data-word", "reused")
        expect(edge(page, edge_id).locator(".gauge-bottom")).not_to_contain_text("dropped")
        expect(edge(page, edge_id).locator(".gauge-bottom")).not_to_contain_text("cancelled")


def wait_lane(page: Any, block: str, part: str) -> None:
    page.wait_for_function(
        """([b, p]) => {
          const canvas = document.querySelector('.timeline-canvas');
          return !!canvas && !!(JSON.parse(canvas.dataset.lanes || '{}')[b] || {})[p];
        }""",
        arg=[block, part],
    )


def lanes(page: Any) -> dict[str, Any]:
    return json.loads(page.locator(".timeline-canvas").get_attribute("data-lanes") or "{}")


def test_timeline_shows_final_colours_and_bars_for_a_short_failed_run(
    page: Any, server: Server
) -> None:
    run = server.run_to_end("seed_stream", FAST)
    page.goto(f"{server.url}/runs/{run['id']}")
    expect(page.locator(".timeline-canvas")).to_have_attribute("data-lanes", re.compile("D"))
    wait_lane(page, "D", "area")
    drawn = lanes(page)
    assert drawn["D"]["area"] == "ok", drawn  # children lanes are green once the run succeeded
    assert drawn["B"]["area"] == "ok", drawn

    server.api("POST", "/api/pipelines", {"name": "quick_fail"})
    server.api("POST", "/api/pipelines/quick_fail/blocks", {"name": "boom", "kind": "data_loader"})
    code = "@data_loader\ndef boom(**kwargs):\n    raise ValueError('no data')\n"
    server.api("PUT", "/api/pipelines/quick_fail/blocks/boom/code", {"code": code})
    failed = server.run_to_end("quick_fail")
    assert failed["status"] == "failed"
    page.goto(f"{server.url}/runs/{failed['id']}")
    wait_lane(page, "boom", "bar")
    drawn = lanes(page)
    assert drawn["boom"]["bar"] == "bad", drawn
    assert drawn["boom"]["w"] >= 6, drawn
    screenshot(page, "timeline-short-failed-run-1280x720")
