"""The server owns the plan facts the graph draws: `/plan` and the pipeline read give each
block's kind, role, input style and replication, the topological order and the parsed edges
(the browser derives none of them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient


def _plan(client: TestClient, name: str) -> dict[str, Any]:
    response = client.get(f"/api/pipelines/{name}/plan")
    assert response.status_code == 200, response.text
    facts: dict[str, Any] = response.json()["facts"]
    read = client.get(f"/api/pipelines/{name}").json()["plan"]
    assert read == facts  # one set of facts, whichever way the editor asks
    return facts


def test_etl_sort_join_facts(client: TestClient) -> None:
    facts = _plan(client, "etl_sort_join")
    order = facts["order"]
    assert sorted(order) == [
        "customers",
        "join",
        "orders",
        "report",
        "sort_customers",
        "sort_orders",
    ]
    for edge in facts["edges"]:  # every edge goes forward in the order
        assert order.index(edge["src"]) < order.index(edge["dst"])
    join = next(e for e in facts["edges"] if e["dst"] == "join" and e["src"] == "sort_orders")
    assert join == {
        "id": "sort_orders.out->join.left",
        "src": "sort_orders",
        "src_port": "out",
        "dst": "join",
        "dst_port": "left",
    }
    blocks = facts["blocks"]
    assert blocks["orders"]["role"] == "source" and blocks["report"]["role"] == "sink"
    assert blocks["sort_orders"]["role"] == "transform"
    assert blocks["sort_orders"]["input_style"] == "collect"
    # merge_join.py's parameters are annotated Iterator[dict]: the stream style, no flag set.
    assert blocks["join"]["input_style"] == "stream" and blocks["join"]["stream_annotation"]
    assert blocks["report"]["input_style"] == "stream"  # report.py: rows: Iterator[dict]
    assert blocks["orders"]["input_style"] == "per_item"
    assert not any(b["replicated"] for b in blocks.values())
    assert [blocks[n]["position"] for n in order] == list(range(len(order)))


def test_seed_stream_replication(client: TestClient) -> None:
    blocks = _plan(client, "seed_stream")["blocks"]
    assert blocks["A"]["dynamic"] and not blocks["A"]["replicated"]
    assert blocks["B"]["replicated"] and blocks["B"]["levels"] == ["A"]
    assert {b["kind"] for b in blocks.values()} <= {"data_loader", "transformer", "data_exporter"}
    assert blocks["A"]["kind"] == "data_loader"


def test_mage_style_stream_annotations(client: TestClient, workspace: Path) -> None:
    """Mage decorators and every spelling of an iterator annotation the kernel reads as the
    stream style, read from the source without running it."""
    folder = workspace / "pipelines" / "annotated"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text(
        "blocks:\n  - name: load\n  - name: gen\n  - name: typing_it\n  - name: export\n"
        "edges:\n  - {from: load, to: gen}\n  - {from: gen, to: typing_it}\n"
        "  - {from: typing_it, to: export}\n",
        encoding="utf-8",
    )
    (folder / "load.py").write_text(
        "@data_loader\ndef load(*args, **kwargs):\n    return [1, 2, 3]\n", encoding="utf-8"
    )
    (folder / "gen.py").write_text(
        "from collections.abc import Generator\n\n"
        "@transformer\ndef gen(rows: Generator[int, None, None], **kwargs):\n"
        "    for row in rows:\n        yield row\n",
        encoding="utf-8",
    )
    (folder / "typing_it.py").write_text(
        "import typing\n\n"
        "@transformer\ndef typing_it(rows: 'typing.Iterator[int]', *args, **kwargs):\n"
        "    yield from rows\n",
        encoding="utf-8",
    )
    (folder / "export.py").write_text(
        "@data_exporter\ndef export(value, *args, **kwargs):\n    print(value)\n", encoding="utf-8"
    )
    blocks = _plan(client, "annotated")["blocks"]
    assert {n: b["kind"] for n, b in blocks.items()} == {
        "load": "data_loader",
        "gen": "transformer",
        "typing_it": "transformer",
        "export": "data_exporter",
    }
    assert {n: b["input_style"] for n, b in blocks.items()} == {
        "load": "per_item",
        "gen": "stream",
        "typing_it": "stream",
        "export": "per_item",
    }


def test_facts_of_a_pipeline_with_a_cycle(client: TestClient, workspace: Path) -> None:
    """A plan error does not hide the facts: the graph still draws, in declaration order for
    the blocks on the cycle."""
    folder = workspace / "pipelines" / "loop"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text(
        "blocks:\n  - name: a\n  - name: b\n  - name: c\n"
        "edges:\n  - {from: a, to: b}\n  - {from: b, to: c}\n  - {from: c, to: b}\n",
        encoding="utf-8",
    )
    for name in "abc":
        (folder / f"{name}.py").write_text(
            f"@custom\ndef {name}(*args, **kwargs):\n    return 1\n", encoding="utf-8"
        )
    read = client.get("/api/pipelines/loop").json()
    assert read["error"] is not None
    assert read["plan"]["order"] == ["a", "b", "c"]
    assert read["plan"]["blocks"]["b"]["kind"] == "custom"
