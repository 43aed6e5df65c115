"""Small helpers that make error messages say how to fix the problem."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`"; did you mean 'dynamic'?"`, or "" when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def listing(choices: Iterable[str]) -> str:
    """`"a, b, c"`, or "none" for no choices."""
    items = list(choices)
    return ", ".join(items) if items else "none"


def unknown(kind: str, word: str, choices: Iterable[str], plural: str) -> str:
    """`"unknown block 'Bx'; did you mean 'B'? (blocks: A, B)"`."""
    items = list(choices)
    return f"unknown {kind} {word!r}{did_you_mean(word, items)} ({plural}: {listing(items)})"


def located(label: str, field: str, text: str) -> str:
    """`"block 'B', field 'dynamc': <text>"`; either part may be empty."""
    prefix = ", ".join(p for p in (label, f"field {field!r}" if field else "") if p)
    return f"{prefix}: {text}" if prefix else text
