"""What `sluicegate show` prints: a run's summary, a block's runs, items and log, one child's."""

from __future__ import annotations

from typing import Any, TextIO

from sluicegate.runs_api import Block, Child, Run

ITEM_CHARS = 300
ITEM_LINES = 12


def show_run(run: Run, out: TextIO) -> None:
    s = run.summary
    started = s.started.strftime("%Y-%m-%d %H:%M:%S") if s.started else "?"
    print(f"run {run.id}: pipeline {s.pipeline}, {s.status}", file=out)
    print(f"started {started}, took {duration(s.duration_s)}, from {s.source or '?'}", file=out)
    if s.error:
        print(f"error: {s.error}", file=out)
    summary: dict[str, Any] = run.info.get("blocks") or {}
    rows = [["BLOCK", "PHASE", "ITEMS OUT", "CHILDREN", "STORED"]]
    for name in run.blocks():
        info = summary.get(name) or {}
        children = info.get("children") or {}
        spawned = f"{children.get('succeeded', 0)}/{children['spawned']}" if children else ""
        stored = sum(c.stored for c in run.block(name).children())
        items_out = info.get("items_out")
        rows.append(
            [
                name,
                str(info.get("phase", "?")),
                "" if items_out is None else str(items_out),
                spawned,
                str(stored),
            ]
        )
    table(rows, out)
    lines = len(run.log())
    print(f"log: {lines} lines (`sluicegate show {run.id} BLOCK` prints a block's)", file=out)


def show_block(block: Block, out: TextIO, *, items: int, log: int) -> None:
    children = block.children()
    info = (block.run.info.get("blocks") or {}).get(block.name) or {}
    phase = info.get("phase") or (children[0].status if len(children) == 1 else "?")
    print(f"block {block.name} of run {block.run.id}: {phase}", file=out)
    if len(children) > 1 or (children and children[0].uuid != block.name):
        rows = [["CHILD", "STATUS", "ITEMS", "STORED"]]
        rows += [[c.uuid, c.status, str(c.count), _stored(c)] for c in children[:50]]
        table(rows, out)
        if len(children) > 50:
            print(f"... {len(children) - 50} more children", file=out)
    for child in children:
        _error(child, out)
    _items(block.iter_items(), sum(c.stored for c in children), items, out, block.name)
    _log(block.log(), log, out)


def show_child(child: Child, out: TextIO, *, items: int, log: int) -> None:
    block = child.block
    print(f"child {child.uuid} of block {block.name}, run {block.run.id}: {child.status}", file=out)
    print(f"{_count(child.count, 'item')}, {_stored(child)} stored", file=out)
    _error(child, out)
    _items(child.iter_items(), child.stored, items, out, child.uuid)
    _log(child.log(), log, out)


def _stored(child: Child) -> str:
    return f"{child.stored} ({child.kept})" if child.kept != "all" else str(child.stored)


def _error(child: Child, out: TextIO) -> None:
    error = child.error
    if error:
        print(f"error in {child.uuid}: {error.get('type')}: {error.get('message')}", file=out)
        if error.get("traceback"):
            print(str(error["traceback"]).rstrip(), file=out)


def _items(found: Any, total: int, limit: int, out: TextIO, where: str) -> None:
    if limit <= 0:
        return
    print(f"items ({total} stored{f', first {limit}' if total > limit else ''}):", file=out)
    for n, item in enumerate(found):
        if n >= limit:
            break
        print(f"  [{n}] {_short(item)}", file=out)
    if total > limit:
        print(f"  ... (--items N shows more; sluicegate.open_run reads all of {where})", file=out)


def _log(lines: list[dict[str, Any]], limit: int, out: TextIO) -> None:
    if limit <= 0:
        return
    if not lines:
        print("log: empty", file=out)
        return
    shown = lines[-limit:]
    more = f", last {len(shown)}" if len(shown) < len(lines) else ""
    print(f"log ({_count(len(lines), 'line')}{more}):", file=out)
    for line in shown:
        level = line.get("level") or ""
        prefix = "" if level in ("STDOUT", "") else f"{level} "
        print(f"  [{line.get('uuid')}] {prefix}{line.get('text', '')}", file=out)


def _short(item: Any) -> str:
    """The item's repr (dict keys in their order), at most ITEM_LINES lines of ITEM_CHARS."""
    try:
        text = repr(item)
    except Exception as exc:
        return f"<{type(item).__name__} whose repr failed: {exc!r}>"
    lines = [
        line[:ITEM_CHARS] + ("…" if len(line) > ITEM_CHARS else "") for line in text.split("\n")
    ]
    if len(lines) > ITEM_LINES:
        lines = [*lines[:ITEM_LINES], "…"]
    return "\n      ".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
