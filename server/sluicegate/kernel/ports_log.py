"""The §4.5 log line of an input edge: each resolved value with its source."""

from __future__ import annotations

from typing import Any

from sluicegate.kernel.edge import Edge


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" or n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} GiB"


def port_line(block: str, edge: Edge) -> tuple[str, dict[str, Any]]:
    port = edge.static_id.rsplit(".", 1)[-1]
    bytes_part = (
        f"bytes_per_row_buffer={human_bytes(edge.bytes_per_buffer)} from {edge.bytes_source}"
    )
    if edge.rows_per_buffer is not None:
        rows = f"rows_per_buffer={edge.rows_per_buffer}({edge.rows_source}; {bytes_part})"
    else:
        rows = f"rows_per_buffer=auto(from the first batch's item size; {bytes_part})"
    if edge.mode == "limited":
        cap_items = (
            f"{edge.capacity_items} items" if edge.capacity_items else "4 x rows_per_buffer items"
        )
        cap = f"cap={cap_items}/{human_bytes(edge.capacity_bytes or 0)}"
    else:
        cap = f"cap=unbounded (spills past {human_bytes(edge.full_budget)})"
    line = (
        f"block={block} port={port} edge={edge.static_id} "
        f"mode={edge.mode}({edge.mode_source}) exchange={edge.exchange} {rows} {cap}"
    )
    data = {
        "edge": edge.static_id,
        "block": block,
        "port": port,
        "mode": edge.mode,
        "mode_source": edge.mode_source,
        "rows_per_buffer": edge.rows_per_buffer,
        "rows_per_buffer_source": edge.rows_source if edge.fixed_rows else "auto",
        "bytes_per_row_buffer": edge.bytes_per_buffer,
        "bytes_source": edge.bytes_source,
        "capacity_items": edge.capacity_items,
        "capacity_bytes": edge.capacity_bytes,
    }
    return line, data
