"""Property tests: whatever pipeline.yaml holds, loading and validating it either plans or
raises a `PlanError` that names the file; the editor's read never fails and gives a body that
can be sent as JSON. Over 2,000 generated files in all: documents shaped like pipeline.yaml
with random keys and values, random bytes and text, and mutations of valid example files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic_core
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sluicegate.errors import PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.spec import BlockSpec, PipelineSpec, PortSettings, RunSettingsSpec
from sluicegate.workspace.reading import read_pipeline

WHERE = "pipelines/p/pipeline.yaml"
NAMES = ["A", "B", "C", "D", "E", "S", "J", "sink", "a b", "../x", "", "A" * 300]
FILES = [
    "A.py",
    "sink.py",
    "../A.py",
    "../../../../etc/x.py",
    "/etc/x.py",
    "a\0.py",
    "x" * 300 + ".py",
]
EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "graph_workspace" / "pipelines"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*/pipeline.yaml"))]
COMMON = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace whose pipeline `p` has a code file for the usual block names."""
    root = tmp_path_factory.mktemp("props") / "ws"
    folder = root / "pipelines" / "p"
    folder.mkdir(parents=True)
    for name in ("A", "B", "C", "D", "E", "S", "J", "sink"):
        (folder / f"{name}.py").write_text("@transformer\ndef f(*args, **kwargs):\n    return 1\n")
    (root / "outside.py").write_text("x = 1\n")
    return root


def check(workspace: Path, content: bytes) -> None:
    """Plan pipeline `p` holding `content`: a plan or a PlanError naming the file, nothing
    else; and the editor's read of it is JSON-ready."""
    (workspace / "pipelines" / "p" / "pipeline.yaml").write_bytes(content)
    try:
        load_pipeline(workspace, "p", environ={})
    except PlanError as exc:
        assert exc.where == WHERE, (exc.where, str(exc))
        assert str(exc).startswith(f"{WHERE}: ")
    state = read_pipeline(workspace, "p")
    pydantic_core.to_json(state)  # what the API sends
    if state["error"] is not None:
        assert state["error"]["where"] == WHERE


# Values: the scalars YAML can hold, nested a little.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(NAMES + FILES + ["limited", "full", "default", "stream", "batch", "A.out"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def keyed(known: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping whose keys are mostly the documented ones (some misspelt or unknown)."""
    key = st.sampled_from(known) | st.text(min_size=1, max_size=12)
    return st.dictionaries(key, values | st.sampled_from(NAMES + FILES), max_size=6)


block = st.fixed_dictionaries(
    {"name": st.sampled_from(NAMES) | st.text(max_size=6)},
    optional={
        "file": st.sampled_from(FILES) | st.text(max_size=10),
        "dynamic": st.booleans(),
        "start_constraint": st.sampled_from(["A.succeeded", "not B.failed and C.done", "x("]),
        "ports": st.dictionaries(st.sampled_from(NAMES), keyed(list(PortSettings.model_fields))),
    },
).flatmap(lambda b: keyed(list(BlockSpec.model_fields)).map(lambda extra: {**extra, **b}))
edge = st.fixed_dictionaries(
    {"from": st.sampled_from([*NAMES, "A.out", "B.x"]), "to": st.sampled_from([*NAMES, "D.left"])},
    optional={"buffering_mode": st.sampled_from(["limited", "full", "nope"])},
)
rule = st.fixed_dictionaries(
    {"apply_to": st.sampled_from(["A.*", "*.left", "A", {"block": "A"}, {}, "x.y.z"])},
    optional={"rows_per_buffer": st.integers(-2, 5) | st.text(max_size=3)},
)
pipeline = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["p", "q", None]),
        "mode": st.sampled_from(["stream", "batch", "fast"]),
        "variables": values,
        "settings": keyed(list(RunSettingsSpec.model_fields)),
        "buffers": keyed(list(PortSettings.model_fields)),
        "blocks": st.lists(block, max_size=5) | values,
        "edges": st.lists(edge, max_size=5) | values,
        "config": st.lists(rule, max_size=3) | values,
    },
).flatmap(lambda p: keyed(list(PipelineSpec.model_fields)).map(lambda extra: {**extra, **p}))


@settings(COMMON, max_examples=800)
@given(document=pipeline, flow=st.booleans())
def test_documents_shaped_like_pipeline_yaml(workspace: Path, document: Any, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    check(workspace, text.encode("utf-8"))


@settings(COMMON, max_examples=350)
@given(content=st.binary(max_size=600))
def test_random_bytes(workspace: Path, content: bytes) -> None:
    check(workspace, content)


@settings(COMMON, max_examples=300)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_random_text(workspace: Path, text: str) -> None:
    check(workspace, text.encode("utf-8"))


# A mutation: at a random place, cut some characters out or put some YAML in.
YAML_BITS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!!set ",
    "\t",
    "\n  ",
    "\n",
    "'",
    '"',
    "|",
    ">",
    "#",
    "? ",
    "~",
    "0x1",
    "1e999",
    "2001-02-30",
    "*a [*a, *a]",
    "&b [*a, *a, *a]",
    "file: ../outside.py",
    "file: /etc/x.py",
    "\x00",
    "\ufeff",
]
mutation = st.tuples(
    st.floats(0, 1), st.integers(0, 12), st.lists(st.sampled_from(YAML_BITS), max_size=3)
)


@settings(COMMON, max_examples=600)
@given(seed=st.sampled_from(SEEDS), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_example_files(workspace: Path, seed: str, mutations: list[Any]) -> None:
    text = seed
    for where, cut, bits in mutations:
        at = int(where * len(text))
        text = text[:at] + "".join(bits) + text[at + cut :]
    check(workspace, text.encode("utf-8", "surrogatepass"))


def test_an_alias_bomb_names_the_file(workspace: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    (workspace / "pipelines" / "p" / "pipeline.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, "p", environ={})
    assert info.value.where == WHERE
    assert "expands to more than 100,000 values" in str(info.value)
