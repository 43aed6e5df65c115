"""B7: the run view stays responsive while a run with 10,000 dynamic children streams in.

`benchmarks/pipelines/child_overhead` (a dynamic block emitting `children` items, each a
child run of a no-op block) is run by the real server (`sluicegate serve` on 127.0.0.1 and
a free port, on a copy of the pipeline), with the run view open in Debian's chromium
(Playwright, 1440x900). Measured in the browser:

- long tasks (a `PerformanceObserver` on `longtask`: main-thread work of more than 50 ms
  without a break) while updates stream in, from the first drawn update of the child
  counter to the last: their count over 200 ms and the longest one. Long tasks before the
  first update (evaluating the bundle, the first graph layout with elkjs) are loading the
  page and are reported apart (`load_max_long_task_ms`), as are those after the last
  update, once the run has ended (`after_max_long_task_ms`);
- rendered updates: a `MutationObserver` counts each change of the child block's
  "succeeded" counter as the page draws it; `updates_per_s` is the count divided by the
  time from the first to the last change, and `max_update_gap_ms` the longest time between
  two of them.

- telemetry deltas about the child block that reached the page (a wrapper around the
  page's WebSocket counts them): `deltas_per_s`, what the server delivered, against which
  `updates_per_s` says whether the page drew every one.

- page loads, cold: each page (the pipeline list, the editor, the finished run's view) opened
  in a fresh browser context (empty cache, logged in without loading a page), until it has
  drawn (the pipeline cards, the graph's nodes) and one second more, for the first graph
  layout: `page_load` gives per page the longest task (`max_long_task_ms`) and when it had
  drawn (`drawn_ms`, from navigation start); `page_load_max_long_task_ms` is the longest of
  all (reported, no target).

Figures: `long_tasks_over_200ms` (target 0), `max_long_task_ms`, `updates_per_s` (target
>= 2: the server pushes telemetry at 2 Hz), `max_update_gap_ms`, `deltas_per_s`,
`page_load_max_long_task_ms`. Needs chromium (SLUICEGATE_CHROMIUM, default
/usr/bin/chromium).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import _bench

CHILDREN = 10_000
QUICK_CHILDREN = 500
CHROMIUM = os.environ.get("SLUICEGATE_CHROMIUM", "/usr/bin/chromium")
TERMINAL = {"succeeded", "failed", "cancelled", "interrupted"}

# Installed before the page's own scripts: records long tasks and every rendered change of
# the child counter (`data-succeeded` on the block's children row, see graph/nodes.js).
PROBE = """
window.__b7 = {longTasks: [], updates: []};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.__b7.longTasks.push({start: e.startTime, ms: e.duration});
  }
}).observe({type: "longtask", buffered: true});
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName !== "data-succeeded") continue;
    const g = r.target.closest("g.node");
    if (g && g.dataset.block === "child") {
      window.__b7.updates.push({t: performance.now(), value: Number(r.target.dataset.succeeded)});
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-succeeded"]});
window.__b7.deltas = [];
const NativeSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = new NativeSocket(url, protocols);
  socket.addEventListener("message", (m) => {
    if (m.data.startsWith('{"v":1,"type":"delta"') && m.data.includes('"child":{')) {
      window.__b7.deltas.push(performance.now());
    }
  });
  return socket;
};
window.WebSocket.prototype = NativeSocket.prototype;
"""


def get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers=_bench.AUTH)
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())


def post_json(url: str, body: dict[str, Any]) -> Any:
    data = json.dumps(body).encode()
    headers = {"content-type": "application/json", **_bench.AUTH}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())


SERVE = [sys.executable, "-m", "sluicegate", "serve"]


class Server:
    """`sluicegate serve WORKSPACE` on a free port, in a subprocess."""

    def __init__(self, workspace: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        env = {**os.environ, "PYTHONPATH": str(_bench.SERVER)}
        self.process = subprocess.Popen(
            [*SERVE, str(workspace), "--port", str(self.port), "--token", _bench.TOKEN],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"the server exited: {self.log.read()[-2000:]}")
            try:
                if self.get("/api/kernel")["status"] == "ready":
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("the server was not ready within 60 s")

    def get(self, path: str) -> Any:
        return get_json(self.url + path)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def measure(page: Any, url: str, children: int, timeout: float = 300) -> dict[str, Any]:
    """Open the run view of a fresh `child_overhead` run on the server at `url` and measure
    until it ends. `page` must have PROBE as an init script."""
    page.goto(f"{url}/?token={_bench.TOKEN}")  # log in, load and cache the bundle first
    body = {"variables": {"children": children}}
    run_id = post_json(f"{url}/api/pipelines/child_overhead/runs", body)["run_id"]
    page.goto(f"{url}/runs/{run_id}")
    deadline = time.monotonic() + timeout
    status = "running"
    while time.monotonic() < deadline:
        status = get_json(f"{url}/api/runs/{run_id}")["run"]["status"]
        if status in TERMINAL:
            break
        time.sleep(0.25)
    # Let the page draw the final state, then read what the probe saw.
    page.wait_for_function(
        "n => [...document.querySelectorAll(\"g.node[data-block='child'] .children-row\")]"
        ".some(r => Number(r.dataset.succeeded) === n)",
        arg=children,
        timeout=30_000,
    )
    probe = page.evaluate("window.__b7")
    times = [u["t"] for u in probe["updates"]]
    # "While updates stream in": from the first drawn update of the counter to the last.
    # Work before it (evaluating the bundle, the first graph layout) is loading the page,
    # reported apart as load_max_long_task_ms.
    first = times[0] if times else float("inf")
    last = times[-1] if times else float("inf")
    tasks = probe["longTasks"]
    long_ms = [t["ms"] for t in tasks if t["start"] + t["ms"] > first and t["start"] < last]
    load_ms = [t["ms"] for t in tasks if t["start"] + t["ms"] <= first]
    after_ms = [t["ms"] for t in tasks if t["start"] >= last]
    span_s = (times[-1] - times[0]) / 1000 if len(times) > 1 else 0.0
    deltas = [t for t in probe["deltas"] if first - 1 <= t <= last + 1]
    delta_span_s = (deltas[-1] - deltas[0]) / 1000 if len(deltas) > 1 else 0.0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return {
        "run_id": run_id,
        "status": status,
        "long_tasks": len(long_ms),
        "long_tasks_over_200ms": sum(1 for ms in long_ms if ms > 200),
        "max_long_task_ms": round(max(long_ms, default=0.0), 1),
        "load_max_long_task_ms": round(max(load_ms, default=0.0), 1),
        "after_max_long_task_ms": round(max(after_ms, default=0.0), 1),
        "updates": len(times),
        "updates_per_s": round((len(times) - 1) / span_s, 2) if span_s else 0.0,
        "max_update_gap_ms": round(max(gaps, default=0.0), 1),
        "deltas": len(deltas),
        "deltas_per_s": round((len(deltas) - 1) / delta_span_s, 2) if delta_span_s else 0.0,
        "stream_s": round(span_s, 2),
    }


# page -> (path, what is on screen once it has drawn)
LOAD_PAGES = {
    "home": ("/", "[data-testid=pipelines] a"),
    "editor": ("/pipelines/child_overhead", "g.node"),
    "run": ("/runs/{run_id}", "g.node"),
}


def page_loads(browser: Any, url: str, run_id: str) -> dict[str, dict[str, float]]:
    """Open each page of LOAD_PAGES cold; its longest task and when it had drawn."""
    loads = {}
    for name, (path, drawn) in LOAD_PAGES.items():
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(PROBE)
        context.request.get(f"{url}/?token={_bench.TOKEN}")  # the login cookie, no page
        page = context.new_page()
        page.goto(url + path.format(run_id=run_id))
        page.wait_for_selector(drawn, timeout=60_000)
        drawn_ms = page.evaluate("performance.now()")
        page.wait_for_timeout(1000)
        tasks = page.evaluate("window.__b7.longTasks")
        context.close()
        loads[name] = {
            "max_long_task_ms": round(max((t["ms"] for t in tasks), default=0.0), 1),
            "drawn_ms": round(drawn_ms),
        }
    return loads


def browser_measure(children: int, runs: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(prefix="sluicegate-b7-") as tmp:
        workspace = Path(tmp) / "ws"
        shutil.copytree(
            _bench.WORKSPACE / "pipelines" / "child_overhead",
            workspace / "pipelines" / "child_overhead",
        )
        server = Server(workspace)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
                )
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                context.add_init_script(PROBE)
                page = context.new_page()
                for i in range(runs):
                    result = measure(page, server.url, children)
                    if result["status"] != "succeeded":
                        raise SystemExit(f"child_overhead {result['status']} ({result['run_id']})")
                    results.append(result)
                    _bench.show_run(
                        i,
                        **{k: v for k, v in result.items() if k not in ("run_id", "status")},
                    )
                loads = page_loads(browser, server.url, results[-1]["run_id"])
                browser.close()
        finally:
            server.stop()
    return results, loads


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    children = QUICK_CHILDREN if args.quick else CHILDREN
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no chromium at {CHROMIUM}; run make browser, or set SLUICEGATE_CHROMIUM")
    results, loads = browser_measure(children, args.runs)
    over = max(r["long_tasks_over_200ms"] for r in results)
    rate = _bench.median([r["updates_per_s"] for r in results])
    _bench.emit(
        {
            "benchmark": "b7_ui_responsiveness",
            "runs": args.runs,
            "quick": args.quick,
            "children": children,
            "long_tasks_over_200ms": over,
            "max_long_task_ms": max(r["max_long_task_ms"] for r in results),
            "load_max_long_task_ms": max(r["load_max_long_task_ms"] for r in results),
            "after_max_long_task_ms": max(r["after_max_long_task_ms"] for r in results),
            "updates_per_s": rate,
            "max_update_gap_ms": max(r["max_update_gap_ms"] for r in results),
            "deltas_per_s": _bench.median([r["deltas_per_s"] for r in results]),
            "page_load_max_long_task_ms": max(p["max_long_task_ms"] for p in loads.values()),
            "page_load": loads,
            "target_met": over == 0 and rate >= 2.0,
            "runs_detail": results,
        }
    )


if __name__ == "__main__":
    main()
