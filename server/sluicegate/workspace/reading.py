"""Reading a pipeline for the editor: spec, code, warnings and errors, never refusing.

A pipeline with a problem is still read, so the user can see and fix it:

    {"name": "p", "yaml": "<pipeline.yaml as saved>", "version": "<pipeline.yaml's version>",
     "spec": {...} | None,            # as saved (defaults left out); None if it does not parse
     "blocks": {"A": {"file": "A.py", "code": "...", "version": "...", "error": None | ERROR}},
     "edges": [{"id": "A.out->B.A", "src": "A", "src_port": "out", "dst": "B",
                "dst_port": "A", "from": "A", "to": "B"}],
     "plan": {"order", "blocks", "edges"} | None,  # plan facts (workspace.plan_facts)
     "warnings": [{"code", "message", "block", "port"}],
     "error": None | ERROR,           # the first plan error
     "mage": False,                   # True: read from a Mage project's metadata.yaml (`yaml`)
     "layout": {"A": {"x": 40, "y": 120}}}  # node positions (workspace.layout); not the kernel's

where ERROR is `{"message", "where", "block", "field", "line"}` (`line` may be None). A block
whose code does not compile has that as its error; the plan error is about the YAML and graph.
Each `version` is a hash of the bytes read (`workspace.versions`): a write that names it is
refused once the file has changed (None: the block's file does not exist).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound, PlanError
from sluicegate.graph.build import (
    PIPELINE_FILE,
    PIPELINES,
    check_pipeline,
    confined,
    pipeline_file,
    read_pipeline_spec,
)
from sluicegate.graph.confine import PathRefused, is_file, read_inside
from sluicegate.graph.loading import parse_model, read_yaml
from sluicegate.graph.mage_project import MAGE_FILE, is_mage_pipeline, mage_pipeline_file
from sluicegate.graph.spec import PipelineSpec, dump_spec
from sluicegate.graph.yaml_safe import MAX_BYTES
from sluicegate.workspace.code_check import code_error, read_code
from sluicegate.workspace.files import pipeline_dir
from sluicegate.workspace.layout import read_layout
from sluicegate.workspace.plan_facts import plan_facts
from sluicegate.workspace.references import edge_ends, edge_id
from sluicegate.workspace.versions import version_of

_AT_LINE = re.compile(r"at line (\d+)")
_ITEM = re.compile(r"(edges|config)\[(\d+)\]")


def read_pipeline(workspace: Path, name: str) -> dict[str, Any]:
    """The pipeline as the editor shows it (see the module docstring); NotFound if none."""
    folder = pipeline_dir(workspace, name)
    mage = is_mage_pipeline(workspace, name)
    where = mage_pipeline_file(name) if mage else pipeline_file(name)
    if not mage and not is_file(folder / PIPELINE_FILE):
        raise NotFound(
            f"pipeline {name!r} not found: {folder} has no {PIPELINE_FILE}; "
            "create it or pick an existing pipeline"
        )
    saved = _saved_yaml(workspace, folder / (MAGE_FILE if mage else PIPELINE_FILE))
    text = _text(saved)
    spec: dict[str, Any] | None = None
    raw: Any = {}
    try:
        if mage:  # Mage's metadata.yaml, converted; `yaml` is that file
            spec = dump_spec(read_pipeline_spec(workspace, name))
        else:
            raw = read_yaml(confined(workspace, folder / PIPELINE_FILE, where), where)
            spec = dump_spec(parse_model(PipelineSpec, raw, where))
        errors, warnings = check_pipeline(workspace, name)
    except PlanError as exc:
        errors, warnings = [exc], []
    blocks = {b: _block(workspace, folder, name, b, f) for b, f in block_files(spec or raw).items()}
    codes = {b: block["code"] for b, block in blocks.items()}
    return {
        "name": name,
        "yaml": text,
        "version": version_of(saved),
        "spec": spec,
        "blocks": blocks,
        "edges": [_edge(e) for e in (spec or {}).get("edges", [])],
        "plan": plan_facts(workspace, name, spec, codes) if spec is not None else None,
        "warnings": [dataclasses.asdict(w) for w in warnings],
        "error": error_dict(errors[0], text) if errors else None,
        "mage": mage,
        "layout": read_layout(workspace, name),
    }


def saved_block_files(workspace: Path, pipeline: str) -> dict[str, str]:
    """Block name -> code file (relative to the pipeline folder) as saved, from pipeline.yaml
    or a Mage pipeline's metadata.yaml; PlanError when that does not parse."""
    if is_mage_pipeline(workspace, pipeline):
        return block_files(dump_spec(read_pipeline_spec(workspace, pipeline)))
    folder = pipeline_dir(workspace, pipeline)
    return block_files(read_yaml(folder / PIPELINE_FILE, pipeline_file(pipeline)))


def block_files(data: Any) -> dict[str, str]:
    """Block name -> code file, from a spec mapping or from raw YAML that did not validate."""
    blocks = data.get("blocks") if isinstance(data, dict) else None
    found: dict[str, str] = {}
    for block in blocks if isinstance(blocks, list) else []:
        name = block.get("name") if isinstance(block, dict) else None
        if isinstance(name, str) and name not in found:
            file = block.get("file")
            found[name] = file if isinstance(file, str) else f"{name}.py"
    return found


def error_dict(error: PlanError, yaml_text: str = "") -> dict[str, Any]:
    """A PlanError as sent to the browser, with the line of pipeline.yaml when it is known."""
    found = _AT_LINE.search(error.message)
    line = int(found.group(1)) if found else _line_of(yaml_text, error.block, error.field)
    return _error(error.message, error.where, error.block, error.field, line)


def _error(message: str, where: str, block: str, field: str, line: int | None) -> dict[str, Any]:
    return {"message": message, "where": where, "block": block, "field": field, "line": line}


def _line_of(text: str, block: str, field: str) -> int | None:
    """Best effort: the line of block `block`, or of the n-th edge or rule of `field`."""
    item = _ITEM.match(field)
    if item:
        key, nth = ("from:" if item.group(1) == "edges" else "apply_to:"), int(item.group(2))
    elif block:
        key, nth = rf"name:\s*['\"]?{re.escape(block)}['\"]?\s*(?:[,}}#]|$)", 0
    else:
        return None
    lines = [n for n, line in enumerate(text.splitlines(), 1) if re.search(rf"\b{key}", line)]
    return lines[nth] if nth < len(lines) else None


def _block(workspace: Path, folder: Path, pipeline: str, name: str, file: str) -> dict[str, Any]:
    path = folder / file
    where = f"{PIPELINES}/{pipeline}/{file}"
    if not is_file(path):
        return {"file": file, "code": None, "version": None, "error": None}  # see the plan error
    saved, problem = read_code(workspace, path, file, where, name)
    if saved is None:
        return {"file": file, "code": None, "version": None, "error": problem}
    code = _text(saved)
    error = problem or code_error(code, where, name)
    return {"file": file, "code": code, "version": version_of(saved), "error": error}


def _saved_yaml(workspace: Path, path: Path) -> bytes:
    """pipeline.yaml as saved; empty when it is not to be read (the plan error says why)."""
    try:
        return read_inside(workspace, path, MAX_BYTES)
    except PathRefused:
        return b""


def _text(data: bytes) -> str:
    """`data` as text, read as `Path.read_text` reads it (universal newlines)."""
    text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _edge(edge: dict[str, Any]) -> dict[str, Any]:
    src, src_port, dst, dst_port = edge_ends(edge)
    ends = {"src": src, "src_port": src_port, "dst": dst, "dst_port": dst_port}
    return {"id": edge_id(edge), **ends, "from": edge["from"], "to": edge["to"]}
