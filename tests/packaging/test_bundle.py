"""The browser app's first paint is small: every page loads at most 600 KB of minified
JavaScript before it draws (issue 12), and the graph layout library (elkjs, 1.6 MB) is not
among it: it runs in a web worker started on the first layout.

Reads the built bundle (`make setup` builds it; frontend/scripts/build.mjs writes the
per-page sizes to dist/bundle-sizes.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "server" / "sluicegate" / "web" / "static" / "dist"
BUDGET = 600 * 1024
ELK = "org.eclipse.elk"  # in elkjs's code (class names of the Java original), in no other


@pytest.fixture(scope="module")
def sizes() -> dict[str, int]:
    path = DIST / "bundle-sizes.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the browser app (`make frontend`)")
    data: dict[str, int] = json.loads(path.read_text())
    return data


def test_every_page_loads_at_most_600_kb_before_it_draws(sizes: dict[str, int]) -> None:
    assert set(sizes) == {"home.js", "runs.js", "editor/index.js", "run/index.js"}
    over = {page: n for page, n in sizes.items() if n > BUDGET}
    assert over == {}, f"over {BUDGET // 1024} KB: {over}"


def test_the_layout_library_is_only_in_its_worker() -> None:
    scripts = [DIST / "app.js", *DIST.glob("chunk-*.js")]
    assert len(scripts) > 2  # split: the entry and the pages' chunks
    assert [p.name for p in scripts if ELK in p.read_text()] == []
    worker = DIST / "elk-worker.js"
    assert ELK in worker.read_text() and worker.stat().st_size > 1_000_000


def test_the_entry_imports_only_chunks_that_exist() -> None:
    entry = (DIST / "app.js").read_text()
    imported = set(re.findall(r"\./(chunk-[A-Z0-9]+\.js)", entry))
    assert imported and all((DIST / name).is_file() for name in imported)
