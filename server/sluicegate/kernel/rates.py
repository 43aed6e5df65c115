"""What the sampler measures over its window (SPEC §4.14.3): each block's activity
fractions and each edge's rates. The sampler writes them; the view only reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Rates:
    fracs: dict[str, dict[Any, float]] = field(default_factory=dict)  # block -> activity -> 0..1
    edges: dict[str, dict[str, float]] = field(default_factory=dict)  # static edge id -> rates
