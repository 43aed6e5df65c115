"""Text shared by the live display, the plain lines and the summary. ASCII only, so the
plain output survives any terminal or CI log encoding."""

from __future__ import annotations

from typing import Any

# The style of each block colour class in the live display (rich style names).
PHASE_STYLES = {
    "failed": "bold red",
    "upstream_failed": "red",
    "cancelled": "magenta",
    "succeeded": "green",
    "skipped": "dim",
    "backpressured": "yellow",
    "starved": "cyan",
    "waiting_children": "blue",
    "busy": "bold",
    "running": "bold",
    "ready": "dim",
    "waiting": "dim",
    "created": "dim",
}
FILL_STYLES = {"green": "green", "yellow": "yellow", "red": "red"}


def block_style(state: dict[str, Any]) -> str:
    """Failed red, succeeded green, backpressured yellow, starved cyan, waiting dim."""
    phase = state.get("phase") or "created"
    activity = state.get("activity")
    key = activity if phase == "running" and activity else phase
    return PHASE_STYLES.get(key, "")


def children_text(children: dict[str, Any] | None) -> str:
    """`succeeded/expected (+running)`, then `final` once the number of children is known."""
    if children is None:
        return ""
    text = f"{children['succeeded']}/{children['expected']}"
    if children.get("running"):
        text += f" (+{children['running']})"
    bad = children.get("failed", 0) + children.get("upstream_failed", 0)
    if bad:
        text += f" {bad} failed"
    if children.get("final"):
        text += " final"
    return text


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover - the loop always returns


def fill_text(edge: dict[str, Any]) -> str:
    """`items/capacity`, or `items (full)` for an unbounded full-mode edge."""
    items = edge["fill"]["items"]
    capacity = edge.get("capacity")
    if capacity and capacity.get("items"):
        return f"{items}/{capacity['items']}"
    return f"{items} ({edge.get('mode', 'full')})"


def fill_bar(ratio: float, width: int = 10, full: str = "#", empty: str = ".") -> str:
    filled = max(0, min(width, round(ratio * width)))
    return full * filled + empty * (width - filled)


def phase_text(detail: dict[str, Any]) -> str:
    """`running`, `waiting (start_rule: S)`, `failed: ValueError: bad row`."""
    phase = str(detail.get("phase"))
    reason, waiting_on, error = detail.get("reason"), detail.get("waiting_on"), detail.get("error")
    if reason:
        names = [str(v) for vals in (waiting_on or {}).values() for v in _as_list(vals)]
        phase += f" ({reason}: {', '.join(names)})" if names else f" ({reason})"
    if error:
        phase += f": {error_text(error)}"
    return phase


def error_text(error: dict[str, Any]) -> str:
    """`ValueError: bad row`: the type and the first line of the message."""
    kind = str(error.get("type") or "Error")
    first = "".join(str(error.get("message", "")).splitlines()[:1])
    return first if first.startswith(kind) else f"{kind}: {first}"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def log_lines(uuid: str, detail: dict[str, Any]) -> list[str]:
    """A line of a block run's log as `sluicegate run` prints it: `[B:3] hello` for print()
    output, `[B:3] INFO made 3 items` for a logger line; each line of a multi-line message
    (a traceback) gets the prefix."""
    level = "" if detail.get("stream") in ("stdout", "stderr") else f"{detail.get('level')} "
    lines = str(detail.get("message", "")).split("\n")
    return [f"[{uuid}] {level if i == 0 else ''}{line}" for i, line in enumerate(lines)]
