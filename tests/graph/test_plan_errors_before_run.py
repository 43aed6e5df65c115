"""Plan errors are found before anything runs, and each names its file.

A per-item block with two multi-item inputs, `match: lineage` without a common dynamic
ancestor, a reduce with no open level: `sluicegate run` exits 2 before any block runs,
`POST /validate` reports the error on the block, and every `PlanError` the code can raise
says which file it is about.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sluicegate.errors import PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.replication import replicate

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "web"))
from api_helpers import open_client  # noqa: E402

# Two generators feed J, which is called once per item: which items would it pair?
TWO_STREAMS = {
    "pipeline.yaml": "blocks: [{name: L}, {name: R}, {name: J}]\n"
    "edges: [{from: L, to: J}, {from: R, to: J}]\n",
    "L.py": """
        from pathlib import Path

        @data_loader
        def load(*args, **kwargs):
            Path(__file__).with_name('L.ran').write_text('ran')
            yield from range(3)
    """,
    "R.py": "@data_loader\ndef load(*args, **kwargs):\n    yield from range(3)\n",
    "J.py": "@transformer\ndef join(left, right, *args, **kwargs):\n    return left + right\n",
}

# B and C are dynamic children of two different dynamic blocks: no common ancestor.
NO_COMMON_ANCESTOR = {
    "pipeline.yaml": """
        blocks:
          - {name: A, dynamic: true}
          - {name: C, dynamic: true}
          - {name: J, match: lineage}
        edges: [{from: A, to: J}, {from: C, to: J}]
    """,
    "A.py": "@data_loader\ndef a(*args, **kwargs):\n    return [1, 2]\n",
    "C.py": "@data_loader\ndef c(*args, **kwargs):\n    return [1, 2]\n",
    "J.py": "@transformer\ndef j(a, c, *args, **kwargs):\n    return a + c\n",
}

# R closes A's level; S is a second reduce with no level left to close.
REDUCE_WITHOUT_LEVEL = {
    "pipeline.yaml": """
        blocks:
          - {name: A, dynamic: true}
          - {name: R, reduce_output: true}
          - {name: S, reduce_output: true}
          - {name: E}
        edges: [{from: A, to: R}, {from: R, to: S}, {from: S, to: E}]
    """,
    **{
        f"{b}.py": f"@transformer\ndef {b.lower()}(*args, **kwargs):\n    return 1\n"
        for b in "ARSE"
    },
}

FIXTURES = {
    "two_streams": (TWO_STREAMS, "J", "inputs", "2 multi-item inputs"),
    "no_common_ancestor": (NO_COMMON_ANCESTOR, "J", "match", "ambiguous dynamic join"),
    "reduce_without_level": (REDUCE_WITHOUT_LEVEL, "S", "reduce_output", "no dynamic level"),
}


def write(workspace: Path, name: str, files: dict[str, str]) -> Path:
    folder = workspace / "pipelines" / name
    folder.mkdir(parents=True)
    for file, text in files.items():
        (folder / file).write_text(textwrap.dedent(text).lstrip())
    return folder


def test_two_multi_item_inputs_exit_2_before_any_block_runs(tmp_path: Path) -> None:
    folder = write(tmp_path, "two_streams", TWO_STREAMS)
    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    done = subprocess.run(
        [sys.executable, "-m", "sluicegate", "run", str(tmp_path), "two_streams"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: pipelines/two_streams/pipeline.yaml: block 'J' has 2")
    assert "set `stream: true` or `collect: true`" in done.stderr
    assert not (folder / "L.ran").exists(), "no block ran"
    assert not (tmp_path / ".sluicegate").exists(), "no run was started"


def test_validate_reports_two_multi_item_inputs_on_the_block(tmp_path: Path) -> None:
    write(tmp_path, "two_streams", TWO_STREAMS)
    with open_client(tmp_path) as client:
        result = client.post("/api/pipelines/two_streams/validate").json()
    assert result["ok"] is False
    (error,) = result["errors"]
    assert (error["where"], error["block"], error["field"]) == (
        "pipelines/two_streams/pipeline.yaml",
        "J",
        "inputs",
    )
    assert "L (from L), R (from R)" in error["message"]


def test_stream_or_collect_makes_two_multi_item_inputs_plannable(tmp_path: Path) -> None:
    files = dict(TWO_STREAMS)
    files["pipeline.yaml"] = files["pipeline.yaml"].replace("{name: J}", "{name: J, collect: true}")
    write(tmp_path, "collects", files)
    assert load_pipeline(tmp_path, "collects", environ={}).blocks["J"].collect


def test_lineage_without_common_ancestor_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "p", NO_COMMON_ANCESTOR)
    with pytest.raises(PlanError) as info:
        load_pipeline(tmp_path, "p", environ={})
    assert info.value.where == "pipelines/p/pipeline.yaml"
    assert str(info.value).startswith("pipelines/p/pipeline.yaml: block 'J': ambiguous")
    assert "set match: product or zip_index" in str(info.value)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_plan_error_fixture_is_found_by_planning_and_names_its_file(
    tmp_path: Path, name: str
) -> None:
    files, block, field, text = FIXTURES[name]
    write(tmp_path, name, files)
    with pytest.raises(PlanError) as info:
        load_pipeline(tmp_path, name, environ={})
    error = info.value
    assert (error.where, error.block, error.field) == (
        f"pipelines/{name}/pipeline.yaml",
        block,
        field,
    )
    assert text in error.message


def test_a_block_whose_shape_cannot_be_read_is_left_to_the_kernel(tmp_path: Path) -> None:
    """A generator planning cannot parse (here: too large) is not guessed at: no false
    error; the kernel checks it with the loaded function, before the run starts."""
    files = dict(TWO_STREAMS)
    files["R.py"] = files["R.py"] + "\n" + "# padding\n" * 5000
    write(tmp_path, "big", files)
    topology = load_pipeline(tmp_path, "big", environ={})
    assert "J" in topology.blocks


def test_replicated_sink_branch_accepts_no_child_failure(tmp_path: Path) -> None:
    """`on_child_failure: skip` covers the level its reduce closes, not a branch that
    leaves the level without a reduce."""
    files = {
        "pipeline.yaml": """
            blocks:
              - {name: A, dynamic: true}
              - {name: B}
              - {name: R, reduce_output: true, on_child_failure: skip}
              - {name: K}
            edges: [{from: A, to: B}, {from: B, to: R}, {from: B, to: K}]
        """,
        **{f"{b}.py": f"@transformer\ndef {b.lower()}(*a, **k):\n    return 1\n" for b in "ABRK"},
    }
    write(tmp_path, "p", files)
    topology = load_pipeline(tmp_path, "p", environ={})
    facts = replicate(topology, {})
    assert facts["R"].accepts_child_failure
    assert not facts["B"].accepts_child_failure, "K:i would be upstream_failed"
    assert not facts["K"].accepts_child_failure


PLAN_ERRORS = {"PlanError", "BlockLoadError", "BlockLoadErrors"}
# Request checks of the block editor, about a value in the request and no file.
NO_FILE = {("workspace/templates.py", "kind"), ("workspace/templates.py", "from_library")}


def test_every_plan_error_raised_in_the_code_names_a_file() -> None:
    """Each `PlanError(...)` (and BlockLoadError) call in the package passes `where`."""
    package = REPO / "server" / "sluicegate"
    missing: list[str] = []
    calls = 0
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in PLAN_ERRORS:
                continue
            calls += 1
            keywords = {k.arg: k.value for k in node.keywords}
            field = keywords.get("field")
            field_text = field.value if isinstance(field, ast.Constant) else ""
            if "where" in keywords or (path.relative_to(package).as_posix(), field_text) in NO_FILE:
                continue
            missing.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert calls > 40, "the scan found the raise sites"
    assert not missing, f"PlanError without `where` (name the file): {', '.join(missing)}"
