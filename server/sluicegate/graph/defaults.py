"""The built-in port settings: the one place their defaults are written (SPEC §4.5 level 5).

Settings resolution (`graph/settings.py`) falls back to `PORT_DEFAULTS`; the kernel gives an
edge that carries one dynamic item, which has no port settings of its own, `ITEM_PORT`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sluicegate.graph.topology import PortConfig, Resolved

PORT_DEFAULTS: Mapping[str, Any] = {
    "buffering_mode": "default",
    "rows_per_buffer": None,  # derived from the item size at run time
    "bytes_per_row_buffer": 65536,
    "full_mem_budget_bytes": 64 * 1024 * 1024,
    "sizer": "auto",
}


def _default(key: str) -> Resolved:
    return Resolved(PORT_DEFAULTS[key], "default")


ITEM_PORT = PortConfig(
    buffering_mode=Resolved("full", "dynamic item"),  # one item: it never back-pressures
    rows_per_buffer=_default("rows_per_buffer"),
    bytes_per_row_buffer=_default("bytes_per_row_buffer"),
    full_mem_budget_bytes=_default("full_mem_budget_bytes"),
    sizer=_default("sizer"),
    exchange=Resolved("pipelined", "default"),
)
"""The port settings of an edge that carries one dynamic item to a child run."""
