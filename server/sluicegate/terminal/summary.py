"""The summary printed when a run ends, from its JSON report (the same in every mode):

run seed_stream-20261121-101500-ab12cd succeeded in 0.24s (stream mode)
  block  phase      items in  items out  children
  A      succeeded         0         10  10/10
...
  bottleneck: B ran 10 children at most 1 at a time (max_concurrent_children: 1); ...
    -> set max_concurrent_children: 8 on block B in pipelines/seed_stream/pipeline.yaml
run id: seed_stream-20261121-101500-ab12cd
"""

from __future__ import annotations

from typing import Any

from sluicegate.terminal.fmt import PHASE_STYLES, error_text

Line = tuple[str, str]  # (text, rich style for a terminal)
_HEAD = ("block", "phase", "items in", "items out", "children")


def summary_lines(report: dict[str, Any]) -> list[Line]:
    status = report.get("status", "?")
    head = (
        f"run {report.get('run_id')} {status} in {report.get('duration_s', 0):.2f}s "
        f"({report.get('mode')} mode)"
    )
    lines: list[Line] = [(head, "bold " + PHASE_STYLES.get(status, ""))]
    rows = [_HEAD] + [_row(name, b) for name, b in report.get("blocks", {}).items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEAD))]
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(w) if i in (2, 3) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        style = "bold" if n == 0 else PHASE_STYLES.get(row[1], "")
        lines.append(("  " + "  ".join(cells).rstrip(), style))
    errors: dict[str, list[str]] = {}  # one line per distinct error, naming its blocks
    for name, block in report.get("blocks", {}).items():
        if block.get("error"):
            errors.setdefault(error_text(block["error"]), []).append(name)
    lines += [(f"  {', '.join(names)}: {text}", "red") for text, names in errors.items()]
    return lines + bottleneck_lines(report.get("bottleneck"))


def bottleneck_lines(verdict: dict[str, Any] | None) -> list[Line]:
    """The run's bottleneck verdict (kernel/bottleneck.py): what held it back, what to set."""
    if not verdict:
        return []
    lines: list[Line] = [(f"  bottleneck: {_plain(verdict['evidence'])}", "yellow")]
    lines += [(f"    -> {_plain(text)}", "") for text in verdict.get("suggestions", [])]
    return lines


def _plain(text: str) -> str:
    return text.replace("`", "")


def first_traceback(report: dict[str, Any]) -> str | None:
    """The traceback of the first block that failed in user code, if any."""
    for block in report.get("blocks", {}).values():
        error = block.get("error") or {}
        if error.get("traceback"):
            return str(error["traceback"])
    return None


def _row(name: str, block: dict[str, Any]) -> tuple[str, str, str, str, str]:
    children = block.get("children")
    text = ""
    if children:
        text = f"{children['succeeded']}/{children['spawned']}"
        bad = children.get("failed", 0) + children.get("cancelled", 0)
        text += f" ({children['failed']} failed, {children['cancelled']} cancelled)" if bad else ""
    return (name, block["phase"], str(block["items_in"]), str(block["items_out"]), text)
