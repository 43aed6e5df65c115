"""Progress as a live `rich` display, for a terminal: a table of blocks and one of edges,
redrawn 4 times a second. Failures, warnings, cancellation and the lines of block run logs
(`[B:3] hello`) are printed above it."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sluicegate.protocol.vocab import TERMINAL_PHASES
from sluicegate.terminal.fmt import (
    FILL_STYLES,
    block_style,
    children_text,
    fill_bar,
    fill_text,
    human_bytes,
    log_lines,
    phase_text,
)
from sluicegate.terminal.hook import Event, ProgressHook, Sample

_LOUD_PHASES = ("failed", "cancelled", "upstream_failed")


class LiveProgress:
    def __init__(self, hook: ProgressHook, console: Console, title: str) -> None:
        self.hook = hook
        self.console = console
        self.title = title
        self.live = Live(self._render(None), console=console, refresh_per_second=4, transient=False)

    def start(self) -> None:
        self.live.start()

    def tick(self) -> None:
        logs: list[str] = []
        for event in self.hook.events():
            if event.kind == "log":
                logs += log_lines(event.block or "", event.detail)
                continue
            self._print_logs(logs)
            self._event(event)
        self._print_logs(logs)
        self.live.update(self._render(self.hook.latest()))

    def _print_logs(self, lines: list[str]) -> None:
        """Log lines as they are (no markup), in one print: a block printing thousands of
        lines costs one redraw, not one each."""
        if lines:
            self.live.console.print(Text("\n".join(lines)), soft_wrap=True)
            lines.clear()

    def stop(self) -> None:
        self.tick()
        self.live.stop()

    def _event(self, event: Event) -> None:
        if event.kind == "phase" and event.detail.get("phase") not in _LOUD_PHASES:
            return
        if event.kind == "children_final":
            return
        name = event.block or event.kind
        text = phase_text(event.detail) if event.kind == "phase" else event.detail["message"]
        style = "yellow" if event.kind in ("warning", "cancel") else "red"
        self.live.console.print(Text(f"{event.t:6.1f}s  {name}  {text}", style=style))

    def _render(self, sample: Sample | None) -> Group:
        if sample is None:
            return Group(Text(f"{self.title}: starting ...", style="dim"))
        done = sum(1 for s in sample.blocks.values() if s["phase"] in TERMINAL_PHASES)
        head = Text(f"{self.title}  {sample.t:.1f}s  {done}/{len(sample.blocks)} blocks done")
        return Group(head, blocks_table(sample.blocks), edges_table(sample.edges))


def blocks_table(blocks: dict[str, dict[str, Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("block", "state", "in", "out", "children"):
        table.add_column(column, justify="right" if column in ("in", "out") else "left")
    for name, state in blocks.items():
        table.add_row(
            name,
            Text(state["label"], style=block_style(state)),
            str(state["io"]["items_in"]),
            str(state["io"]["items_out"]),
            children_text(state.get("children")),
        )
    return table


def edges_table(edges: dict[str, dict[str, Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("edge", "fill", "through", "bp", "spilled"):
        table.add_column(column, justify="left" if column in ("edge", "fill") else "right")
    for edge_id, edge in edges.items():
        fill = edge["fill"]
        bar = (fill_bar(fill["ratio"], full="█", empty="░"), FILL_STYLES[fill["level"]])
        spilled = edge["spilled"]
        table.add_row(
            edge_id,
            Text.assemble(bar, " " + fill_text(edge)),
            str(edge["total"]["items_out"]),
            f"{edge['bp_ms_total'] / 1000:.1f}s",
            f"{spilled['items']} ({human_bytes(spilled['bytes'])})" if spilled["items"] else "",
        )
    return table
