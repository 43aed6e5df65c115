"""Docs a newcomer can follow (STYLE 12): every pipeline setting is documented, and the
docs stay true and self-contained.

- Every key of the saved spec models in `sluicegate.graph.spec` (pipeline, workspace, block,
  edge, port settings, run settings, config rule and its selector) must appear in
  README.md's "Pipeline settings" section written as `key`. Adding a setting without
  documenting it fails here.
- Every relative link in README.md, CONTRIBUTING.md, benchmarks/README.md and docs/*.md
  leads to a file of the repository (and to a heading of it, for `#anchor`s).
- No user-facing doc, error message or UI text cites SPEC.md or DESIGN.md, team notes that
  are not in the repository: docs/dataflow.md and docs/architecture.md say it instead.
- Every protocol frame shown in docs/dataflow.md is one the protocol's models accept.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sluicegate.graph import spec
from sluicegate.graph.topology import RunSettings
from sluicegate.protocol import decode_message
from sluicegate.protocol.telemetry import Hello

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "Pipeline settings"


def readme_section(heading: str) -> str:
    """The text of the `## heading` section of README.md, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.find(f"\n## {heading}\n")
    assert start != -1, f"README.md has no '## {heading}' section"
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation refers to, through unions, lists, dicts, Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from models_in(arg)


def spec_models() -> list[type[BaseModel]]:
    """Every public model of the spec module, and every model reachable from their fields.

    Private bases (`_EdgeEnds`) are covered through the public models that inherit them.
    """
    todo: list[type[BaseModel]] = [
        value
        for name, value in vars(spec).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == spec.__name__
        and not name.startswith("_")
    ]
    seen: dict[type[BaseModel], None] = {}
    while todo:
        model = todo.pop(0)
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            todo.extend(models_in(field.annotation))
    return list(seen)


def spec_keys() -> list[tuple[str, str]]:
    """(model, key as written in YAML) for every field of every spec model."""
    keys = {
        (model.__name__, field.alias or name)
        for model in spec_models()
        for name, field in model.model_fields.items()
    }
    return sorted(keys)


def test_the_walk_reaches_every_part_of_the_spec() -> None:
    names = {model.__name__ for model in spec_models()}
    assert {"PipelineSpec", "WorkspaceSpec", "BlockSpec", "EdgeSpec", "PortSettings"} <= names
    assert {"RunSettingsSpec", "ConfigRule", "ApplyToSelector"} <= names


@pytest.mark.parametrize(("model", "key"), spec_keys(), ids=lambda v: str(v))
def test_every_pipeline_setting_is_documented(model: str, key: str) -> None:
    assert f"`{key}`" in readme_section(SECTION), (
        f"`{key}` ({model} in sluicegate/graph/spec.py) is not documented: add it to the "
        f"table for {model} in README.md's '{SECTION}' section, written as `{key}`"
    )


@pytest.mark.parametrize("key", [f.name for f in dataclasses.fields(RunSettings)])
def test_every_run_setting_is_documented(key: str) -> None:
    assert f"`{key}`" in readme_section(SECTION), (
        f"run setting `{key}` (RunSettings in sluicegate/graph/topology.py) is not "
        f"documented: add it to README.md's '{SECTION}' section, written as `{key}`"
    )


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text


# ---- the project documents itself: links, internal notes, examples -------------------------

ROOT = README.parent
INTERNAL_NOTES = re.compile(r"\b(SPEC|DESIGN|STYLE)\.md\b|\bSPEC (§|decision)|\bSTYLE \d")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def user_docs() -> list[Path]:
    """The documents a user or contributor reads: README, CONTRIBUTING, docs/, benchmarks."""
    docs = [README, ROOT / "CONTRIBUTING.md", ROOT / "benchmarks" / "README.md"]
    return docs + sorted((ROOT / "docs").glob("*.md"))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    """Every `#anchor` a heading of `doc` defines (repeated headings get `-1`, `-2`, ...)."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in FENCE.sub("", doc.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"#{1,6} (.+)", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(doc: Path) -> list[str]:
    """Link targets in `doc` outside code blocks, except web addresses."""
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code is not a link
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto:
    ]


def link_problem(doc: Path, target: str) -> str | None:
    """Why `target`, a link in `doc`, leads nowhere, or None when it is fine."""
    path, _, anchor = target.partition("#")
    dest = (doc.parent / path).resolve() if path else doc
    if ROOT.resolve() not in dest.parents and dest != ROOT.resolve():
        return "it points outside the repository"
    if not dest.exists():
        return f"{dest.relative_to(ROOT.resolve())} does not exist"
    if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
        return f"{dest.name} has no heading with the anchor #{anchor}"
    return None


@pytest.mark.parametrize("doc", user_docs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_in_the_repository(doc: Path) -> None:
    assert doc.exists(), f"{doc.relative_to(ROOT)} is missing"
    problems = [
        f"({target}): {problem}"
        for target in relative_links(doc)
        if (problem := link_problem(doc, target)) is not None
    ]
    assert not problems, (
        f"{doc.relative_to(ROOT)} has links that lead nowhere; fix the path or the anchor:\n"
        + "\n".join(problems)
    )


def test_the_link_check_catches_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    doc = ROOT / "docs" / "dataflow.md"
    assert link_problem(doc, "architecture.md#layers") is None
    assert link_problem(doc, "../README.md#pipeline-settings") is None
    assert link_problem(doc, "#buffers") is None
    assert "does not exist" in (link_problem(doc, "SPEC.md") or "")
    assert "no heading" in (link_problem(doc, "architecture.md#no-such-part") or "")
    assert "outside" in (link_problem(doc, "../../shared/DESIGN.md") or "")
    assert slug("`on_child_failure`") == "on_child_failure"
    assert slug("Not deadlocks, but surfaced") == "not-deadlocks-but-surfaced"


@pytest.mark.parametrize("doc", user_docs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_user_facing_doc_cites_the_internal_notes(doc: Path) -> None:
    hits = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        if INTERNAL_NOTES.search(line)
    ]
    assert not hits, (
        f"{doc.relative_to(ROOT)} cites SPEC.md, DESIGN.md or STYLE.md, team notes that are "
        "not in the repository; link docs/dataflow.md or docs/architecture.md, or say it "
        "in the doc itself:\n" + "\n".join(hits)
    )


def python_strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def js_code_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of a JavaScript file with `//` and `/* */` comments left out."""
    source = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), source, flags=re.S)
    for number, line in enumerate(text.splitlines(), 1):
        yield number, re.sub(r"(^|\s)//.*", "", line)


def test_error_messages_and_ui_text_cite_no_internal_notes() -> None:
    package, frontend = ROOT / "server" / "sluicegate", ROOT / "frontend" / "src"
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}"
        for path in sorted(package.rglob("*.py"))
        for line, text in python_strings(path)
        if re.search(r"\bSPEC\b|\bDESIGN\.md\b", text)
    ]
    hits += [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]}"
        for path in sorted([*frontend.rglob("*.js"), *frontend.rglob("*.html")])
        for line, text in js_code_lines(path)
        if re.search(r"\bSPEC\b|\bDESIGN\.md\b", text)
    ]
    hits += [
        f"{path.relative_to(ROOT)}: mentions SPEC"
        for path in sorted((package / "web" / "templates").rglob("*.html"))
        if re.search(r"\bSPEC\b|\bDESIGN\.md\b", path.read_text(encoding="utf-8"))
    ]
    assert not hits, (
        "user-facing text cites SPEC or DESIGN.md, which users cannot read; link "
        "docs/dataflow.md or say it in the message itself:\n" + "\n".join(hits)
    )


def wire_examples() -> list[tuple[int, str]]:
    """(line, JSON) of every protocol frame shown in docs/dataflow.md."""
    text = (ROOT / "docs" / "dataflow.md").read_text(encoding="utf-8")
    return [
        (text[: match.start()].count("\n") + 2, match.group(1))
        for match in re.finditer(r"```json\n(.*?)```", text, re.S)
        if re.search(r'"v": ?1', match.group(1))
    ]


def test_the_docs_show_every_kind_of_frame() -> None:
    kinds = {
        (frame["type"], frame.get("kind"))
        for _, text in wire_examples()
        for frame in [json.loads(text)]
    }
    assert {("hello", None), ("snapshot", None), ("delta", None)} <= kinds
    assert {("event", k) for k in ("phase", "port", "children_final", "deadlock", "run")} <= kinds


@pytest.mark.parametrize(("line", "text"), wire_examples(), ids=lambda v: str(v)[:12])
def test_every_frame_in_the_docs_is_one_the_protocol_accepts(line: int, text: str) -> None:
    frame = json.loads(text)
    try:
        if frame["type"] == "hello":
            Hello.model_validate(frame)
        else:
            decode_message(text)
    except (ValueError, ValidationError) as exc:
        pytest.fail(
            f"docs/dataflow.md line {line}: this {frame['type']} frame no longer matches the "
            f"protocol ({exc}); capture it again from the running code and update the page"
        )
