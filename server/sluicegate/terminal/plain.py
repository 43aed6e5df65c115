"""Progress as plain lines, for CI logs and pipes: never an ANSI code.

    0.0s  A  running
    0.2s  D  children final: 100 expected
    2.0s  progress  A running in 0 out 4 | B running 3/4 (+1) | edges full: B.out->J.right 256/256
    2.3s  A  succeeded

One line per phase change of a block that is not a child run, one per `children_final`,
each line of a block run's log as it comes (`[B:3] hello`), and a progress line at most
every `every_s` seconds (only when it changed, or else every `heartbeat_s` seconds, so a
stalled run still shows it is alive).
"""

from __future__ import annotations

import os
import time
from typing import Any, TextIO

from sluicegate.terminal.fmt import children_text, fill_text, log_lines, phase_text
from sluicegate.terminal.hook import Event, ProgressHook, Sample


class PlainProgress:
    def __init__(
        self,
        hook: ProgressHook,
        out: TextIO,
        *,
        name_width: int = 1,
        every_s: float = 2.0,
        heartbeat_s: float = 30.0,
    ) -> None:
        self.hook = hook
        self.out = out
        self.every_s = every_s
        self.heartbeat_s = heartbeat_s
        self._last_at = time.monotonic()
        self._last_line = ""
        self._width = name_width  # block names line up

    def start(self) -> None:
        pass

    def tick(self) -> None:
        self._print_events()
        now = time.monotonic()
        sample = self.hook.latest()
        if sample is None or now - self._last_at < self.every_s:
            return
        line = progress_line(sample)
        if line != self._last_line or now - self._last_at >= self.heartbeat_s:
            self._print(f"{sample.t:6.1f}s  progress  {line}")
            self._last_line = line
        self._last_at = now

    def stop(self) -> None:
        self._print_events()

    def _print_events(self) -> None:
        for event in self.hook.events():
            self._event(event)

    def _event(self, event: Event) -> None:
        if event.kind == "log":
            for line in log_lines(event.block or "", event.detail):
                self._print(line)
            return
        name = event.block or ""
        self._width = max(self._width, len(name))
        if event.kind == "phase":
            text = phase_text(event.detail)
        elif event.kind == "children_final":
            text = f"children final: {event.detail['expected']} expected"
        elif event.kind == "warning":
            name, text = name or "warning", f"warning: {event.detail['message']}"
        else:
            name, text = event.kind, str(event.detail.get("message", ""))
        self._print(f"{event.t:6.1f}s  {name:<{self._width}}  {text}")

    def _print(self, line: str) -> None:
        try:
            print(line, file=self.out, flush=True)
        except BrokenPipeError:  # the reader went away (`| head`): let the run go on quietly
            self.out = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the display


def progress_line(sample: Sample) -> str:
    parts = [_block_brief(name, state) for name, state in sample.blocks.items()]
    full = [
        f"{edge_id} {fill_text(edge)}"
        for edge_id, edge in sample.edges.items()
        if edge["fill"]["level"] != "green"
    ]
    if full:
        parts.append("edges full: " + ", ".join(full))
    return " | ".join(parts)


def _block_brief(name: str, state: dict[str, Any]) -> str:
    phase = state["phase"]
    if state.get("children") is not None:
        return f"{name} {phase} {children_text(state['children'])}"
    io = state["io"]
    if phase in ("created", "waiting", "ready"):
        return f"{name} {phase}"
    return f"{name} {phase} in {io['items_in']} out {io['items_out']}"
