"""Sluicegate: a notebook-style pipeline editor with a streaming kernel."""

from __future__ import annotations

__version__ = "0.1.0"
