"""The block SDK: Mage-compatible decorators, loading a block file, the context handed to
user code."""

from __future__ import annotations

from sluicegate.blocks.loader import LoadedBlock, load_block

__all__ = ["LoadedBlock", "load_block"]
