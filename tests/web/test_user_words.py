"""Messages that reach the browser use the user's words: no internal field names
(`dst_port`) and no references to the specification's sections (users do not have it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).parents[2]
INTERNAL = re.compile(r"SPEC\b|§|\bdst_port\b|\bsrc_port\b")


def test_a_duplicate_edge_says_what_to_do_in_the_users_words(client: TestClient) -> None:
    response = client.post("/api/pipelines/seed_stream/edges", json={"src": "A", "dst": "B"})
    assert response.status_code == 409, response.text
    message = response.json()["error"]["message"]
    assert "A.out->B.A already exists" in message
    assert "another input port" in message and "B.another_port" in message
    assert not INTERNAL.search(message), message


def _sentences(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that read as text (they contain a space), docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and " " in node.value
        and id(node) not in docstrings
    ]


def test_no_server_message_cites_the_spec_or_an_internal_field() -> None:
    found = []
    for path in sorted((ROOT / "server" / "sluicegate").rglob("*.py")):
        for line, text in _sentences(ast.parse(path.read_text(), str(path))):
            if INTERNAL.search(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text[:100]!r}")
    assert not found, "\n".join(found)


def test_no_frontend_text_cites_the_spec() -> None:
    found = []
    for path in sorted((ROOT / "frontend" / "src").rglob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("//", 1)[0] if not line.lstrip().startswith("*") else ""
            if re.search(r"SPEC\b|§", code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_api_reference_cites_no_spec_section(client: TestClient) -> None:
    text = client.get("/openapi.json").text
    assert not re.search(r"SPEC\b|§", text), re.findall(r".{60}(?:SPEC|§).{20}", text)
