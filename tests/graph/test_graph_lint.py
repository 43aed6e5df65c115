"""Plan-time deadlock lint (SPEC §4.13.4): warnings only where `limited` was forced."""

from __future__ import annotations

from pathlib import Path

from sluicegate.graph.build import check_pipeline, load_pipeline
from sluicegate.graph.settings import with_mode
from sluicegate.graph.topology import LintWarning

DIAMOND = """
blocks: [{name: split}, {name: enrich}, {name: join}]
edges:
  - {from: split, to: join.left}
  - {from: split, to: enrich}
  - {from: enrich, to: join.right%s}
"""


def test_no_warning_when_default_resolves_to_full(workspace: Path, make_pipeline) -> None:
    make_pipeline(DIAMOND % "")
    assert load_pipeline(workspace, "p", environ={}).warnings == ()


def test_diamond_with_forced_limited_port(workspace: Path, make_pipeline) -> None:
    make_pipeline(DIAMOND % ", buffering_mode: limited")
    errors, warnings = check_pipeline(workspace, "p", environ={})
    assert errors == []
    assert warnings == [
        LintWarning(
            "diamond",
            "possible deadlock at join.right: join reads dependent inputs that share upstream "
            "'split'; set buffering_mode: full on join.right",
            "join",
            "right",
        )
    ]


def test_diamond_with_limited_from_the_environment(workspace: Path, make_pipeline) -> None:
    make_pipeline(DIAMOND % "")
    topology = load_pipeline(workspace, "p", environ={"KERNEL_BUFFERING_MODE": "limited"})
    assert [(w.code, w.port) for w in topology.warnings] == [
        ("diamond", "left"),
        ("diamond", "right"),
    ]


def test_two_ports_fed_by_one_block_is_a_diamond(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        buffers: {buffering_mode: limited}
        blocks: [{name: S}, {name: J}]
        edges: [{from: S.a, to: J.left}, {from: S.b, to: J.right}]
        """
    )
    warnings = load_pipeline(workspace, "p", environ={}).warnings
    assert {w.port for w in warnings} == {"left", "right"}
    assert all("share upstream 'S'" in w.message for w in warnings)


def test_independent_inputs_are_not_a_diamond(workspace: Path, make_pipeline) -> None:
    make_pipeline(DIAMOND.replace("{name: join}", "{name: join, inputs: independent}") % "")
    assert (
        load_pipeline(workspace, "p", environ={"KERNEL_BUFFERING_MODE": "limited"}).warnings == ()
    )


def test_constraint_with_forced_limited_edge(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks:
          - {name: X}
          - {name: A}
          - {name: J, start_constraint: A.succeeded}
        edges:
          - {from: X, to: A}
          - {from: X, to: J, buffering_mode: limited}
        """
    )
    (warning,) = load_pipeline(workspace, "p", environ={}).warnings
    assert (warning.code, warning.block, warning.port) == ("constraint", "J", "X")
    assert warning.message == (
        "possible deadlock at J.X: J waits for its start_constraint on 'A' while 'X' "
        "(upstream of 'A') writes to J.X through a limited buffer; set buffering_mode: full "
        "on J.X or remove the constraint"
    )


def test_batch_run_has_no_deadlock_warnings(workspace: Path, make_pipeline) -> None:
    make_pipeline(DIAMOND % ", buffering_mode: limited")
    stream = load_pipeline(workspace, "p", environ={})
    assert with_mode(stream, "batch").warnings == ()
    assert with_mode(with_mode(stream, "batch"), "stream").warnings == stream.warnings


def test_check_pipeline_reports_the_plan_error(workspace: Path, make_pipeline) -> None:
    make_pipeline("blocks: [{name: A, dynamc: true}]\n")
    errors, warnings = check_pipeline(workspace, "p", environ={})
    assert [e.field for e in errors] == ["dynamc"]
    assert warnings == []
