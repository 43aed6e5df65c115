"""A broken pipeline.yaml gives one error naming the file, block and field, and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sluicegate.errors import NotFound, PlanError
from sluicegate.graph.build import load_pipeline

WHERE = "pipelines/p/pipeline.yaml"


def test_invalid_yaml_names_the_line(plan_error) -> None:
    err = plan_error("blocks:\n  - name: A\n    dynamic: [true\n")
    assert err.where == WHERE
    assert "invalid YAML at line 4" in str(err)
    assert str(err).startswith(f"{WHERE}: ")


def test_a_key_given_twice_is_an_error(plan_error) -> None:
    err = plan_error("blocks:\n  - name: A\n    dynamic: true\n    dynamic: false\n")
    assert "line 4" in err.message
    assert "'dynamic' is given twice; keep one" in err.message


def test_the_file_must_hold_a_mapping(plan_error) -> None:
    err = plan_error("- A\n- B\n")
    assert "must hold a mapping" in err.message


def test_unknown_block_setting_suggests_the_right_one(plan_error) -> None:
    err = plan_error(
        """
        blocks:
          - name: A
          - name: B
            dynamc: true
        """
    )
    assert (err.where, err.block, err.field) == (WHERE, "B", "dynamc")
    assert str(err).startswith(
        f"{WHERE}: block 'B', field 'dynamc': unknown setting; did you mean 'dynamic'? (allowed: "
    )
    assert "reduce_output" in err.message


@pytest.mark.parametrize(
    ("text", "field", "suggestion"),
    [
        ("mdoe: batch\n", "mdoe", "mode"),
        ("settings:\n  max_runing: 3\n", "settings.max_runing", "max_running"),
        ("buffers:\n  sizr: deep\n", "buffers.sizr", "sizer"),
    ],
)
def test_unknown_pipeline_setting(plan_error, text: str, field: str, suggestion: str) -> None:
    err = plan_error(text)
    assert err.field == field
    assert f"field {field!r}: unknown setting; did you mean {suggestion!r}?" in err.message


def test_unknown_port_setting_in_block_ports(plan_error) -> None:
    err = plan_error(
        """
        blocks:
          - name: A
          - name: J
            ports:
              A: {bufering_mode: full}
        edges:
          - {from: A, to: J}
        """
    )
    assert (err.block, err.field) == ("J", "ports.A.bufering_mode")
    assert "did you mean 'buffering_mode'?" in err.message


def test_unknown_edge_setting(plan_error) -> None:
    err = plan_error(
        """
        blocks: [{name: A}, {name: B}]
        edges:
          - {from: A, to: B, exchang: blocking}
        """
    )
    assert err.field == "edges[0].exchang"
    assert "edge 1 (A -> B), field 'exchang': unknown setting; did you mean 'exchange'?" in (
        err.message
    )


def test_edge_without_to(plan_error) -> None:
    err = plan_error("blocks: [{name: A}]\nedges:\n  - {from: A}\n")
    assert err.field == "edges[0].to"
    assert "required setting 'to' is missing; add it" in err.message


def test_unknown_key_in_apply_to_selector(plan_error) -> None:
    err = plan_error(
        """
        blocks: [{name: A}]
        config:
          - apply_to: {blok: A}
            buffering_mode: full
        """
    )
    assert err.field == "config[0].apply_to.blok"
    assert "config rule 1, field 'apply_to.blok': unknown setting; did you mean 'block'?" in (
        err.message
    )


def test_wrong_enum_value(plan_error) -> None:
    err = plan_error("blocks:\n  - name: A\n    match: prodcut\n")
    assert (err.block, err.field) == ("A", "match")
    assert (
        "invalid value 'prodcut'; did you mean 'product'? (allowed: product, lineage, zip_index)"
        in (err.message)
    )


def test_wrong_type(plan_error) -> None:
    err = plan_error("blocks:\n  - name: A\n    dynamic: 'yes'\n")
    assert (err.block, err.field) == ("A", "dynamic")
    assert "input should be a valid boolean, got 'yes'" in err.message


def test_out_of_range_value(plan_error) -> None:
    err = plan_error("buffers:\n  bytes_per_row_buffer: 0\n")
    assert err.field == "buffers.bytes_per_row_buffer"
    assert "greater than or equal to 1, got 0" in err.message


def test_block_that_is_not_a_mapping(plan_error) -> None:
    err = plan_error("blocks:\n  - A\n")
    assert "block 1: expected a mapping of settings" in err.message


@pytest.mark.parametrize("name", ["a/b", "a.b", "1st", "class"])
def test_bad_block_name(plan_error, name: str) -> None:
    err = plan_error(f"blocks:\n  - name: '{name}'\n")
    assert err.field == "name"
    assert "rename the block" in err.message


@pytest.mark.parametrize("name", ["a/b", "..", "-x", "a b"])
def test_bad_pipeline_name(workspace: Path, name: str) -> None:
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, name, environ={})
    assert info.value.field == "name"
    assert "rename the pipeline folder" in info.value.message


def test_missing_pipeline_is_not_found(workspace: Path) -> None:
    with pytest.raises(NotFound, match="pipeline 'nope' not found"):
        load_pipeline(workspace, "nope", environ={})


def test_workspace_settings_errors_name_sluicegate_yaml(workspace: Path, make_pipeline) -> None:
    make_pipeline("blocks: [{name: A}]\n")
    (workspace / "sluicegate.yaml").write_text("buffers:\n  rows_per_bufer: 4\n")
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, "p", environ={})
    assert info.value.where == "sluicegate.yaml"
    assert "did you mean 'rows_per_buffer'?" in info.value.message


def test_bad_environment_variable(make_pipeline, workspace: Path) -> None:
    make_pipeline("blocks: [{name: A}, {name: B}]\nedges: [{from: A, to: B}]\n")
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, "p", environ={"KERNEL_BUFFERING_MODE": "huge"})
    assert (info.value.where, info.value.field) == ("environment", "KERNEL_BUFFERING_MODE")
    assert "fix or unset the variable" in info.value.message
