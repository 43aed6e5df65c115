"""Graph problems a schema cannot see: files, edges, names, cycles, constraints, reduce."""

from __future__ import annotations

WHERE = "pipelines/p/pipeline.yaml"


def test_missing_block_file(plan_error) -> None:
    err = plan_error("blocks: [{name: A}, {name: B}]\n", missing=("B",))
    assert (err.where, err.block, err.field) == (WHERE, "B", "file")
    assert "file 'B.py' not found in p/; create it, or set `file:`" in err.message


def test_missing_block_file_named_by_file_key(plan_error) -> None:
    err = plan_error("blocks: [{name: A, file: loaders/a.py}]\n", missing=("A",))
    assert (err.block, err.field) == ("A", "file")
    assert "'loaders/a.py' not found" in err.message


def test_edge_to_unknown_block(plan_error) -> None:
    err = plan_error("blocks: [{name: A}, {name: Join}]\nedges:\n  - {from: A, to: Jion.right}\n")
    assert err.field == "edges[0].to"
    assert (
        "edge 1 (A -> Jion.right), field 'to': unknown block 'Jion'; did you mean 'Join'? "
        "(blocks: A, Join)"
    ) in err.message


def test_edge_from_unknown_block(plan_error) -> None:
    err = plan_error("blocks: [{name: A}]\nedges:\n  - {from: X, to: A}\n")
    assert err.field == "edges[0].from"
    assert "unknown block 'X'" in err.message


def test_edge_with_bad_port(plan_error) -> None:
    err = plan_error("blocks: [{name: A}, {name: B}]\nedges:\n  - {from: A, to: B.x.y}\n")
    assert "'B.x.y' must be `block` or `block.port`" in err.message


def test_duplicate_block_name(plan_error) -> None:
    err = plan_error("blocks: [{name: A}, {name: A}]\n")
    assert (err.block, err.field) == ("A", "name")
    assert "two blocks have this name; rename one" in err.message


def test_duplicate_input_port(plan_error) -> None:
    err = plan_error(
        """
        blocks: [{name: A}, {name: J}]
        edges:
          - {from: A, to: J}
          - {from: A.err, to: J}
        """
    )
    assert (err.block, err.field) == ("J", "edges[1].to")
    assert "two inputs are named 'A' (edges 1 and 2); name the port of one with `to: J.<port>`" in (
        err.message
    )


def test_cycle_names_its_blocks(plan_error) -> None:
    err = plan_error(
        """
        blocks: [{name: S}, {name: A}, {name: B}, {name: C}]
        edges:
          - {from: S, to: A}
          - {from: A, to: B}
          - {from: B, to: C}
          - {from: C, to: A}
        """
    )
    assert err.field == "edges"
    assert "edges form a cycle A -> B -> C -> A" in err.message
    assert "remove one of these edges" in err.message


def test_self_loop_is_a_cycle(plan_error) -> None:
    err = plan_error("blocks: [{name: A}]\nedges: [{from: A, to: A.again}]\n")
    assert "cycle A -> A" in err.message


def test_name_must_match_the_folder(plan_error) -> None:
    err = plan_error("name: other\n")
    assert err.field == "name"
    assert "remove `name:` or rename the folder" in err.message


def test_ports_entry_for_unknown_input(plan_error) -> None:
    err = plan_error(
        """
        blocks:
          - {name: A}
          - name: J
            ports: {rigth: {buffering_mode: full}}
        edges: [{from: A, to: J.right}]
        """
    )
    assert (err.block, err.field) == ("J", "ports.rigth")
    assert "unknown input port 'rigth'; did you mean 'right'? (input ports: right)" in err.message


def test_apply_to_unknown_port(plan_error) -> None:
    err = plan_error(
        """
        blocks: [{name: A}, {name: J}]
        edges: [{from: A, to: J.right}]
        config:
          - {apply_to: J.rihgt, buffering_mode: full}
        """
    )
    assert err.field == "config[0].apply_to"
    assert "config rule 1, field 'apply_to': unknown input port 'rihgt'; did you mean 'right'?" in (
        err.message
    )


def test_apply_to_bad_selector(plan_error) -> None:
    err = plan_error("blocks: [{name: A}]\nconfig:\n  - {apply_to: A, sizer: deep}\n")
    assert "'A' must be `block.port`, `*.port` or `block.*`" in err.message


def test_start_constraint_unknown_block(plan_error) -> None:
    err = plan_error(
        "blocks:\n  - {name: Alpha}\n  - {name: J, start_constraint: Alhpa.succeeded}\n"
    )
    assert (err.block, err.field) == ("J", "start_constraint")
    assert "unknown block 'Alhpa'; did you mean 'Alpha'?" in err.message


def test_start_constraint_unknown_phase(plan_error) -> None:
    err = plan_error("blocks:\n  - {name: A}\n  - {name: J, start_constraint: A.succeded}\n")
    assert (err.block, err.field) == ("J", "start_constraint")
    assert "unknown phase 'succeded' in A.succeded; did you mean 'succeeded'?" in err.message


def test_start_constraint_not_parseable(plan_error) -> None:
    err = plan_error("blocks:\n  - {name: A}\n  - {name: J, start_constraint: 'A.succeeded and'}\n")
    assert "cannot parse start_constraint 'A.succeeded and'" in err.message
    assert "write it like `A.succeeded and not B.failed`" in err.message


def test_start_constraint_on_itself(plan_error) -> None:
    err = plan_error("blocks:\n  - {name: J, start_constraint: J.failed}\n")
    assert "cannot wait for its own phase" in err.message


def test_reduce_output_needs_a_dynamic_upstream(plan_error) -> None:
    err = plan_error(
        """
        blocks:
          - {name: A}
          - {name: R, reduce_output: true}
        edges: [{from: A, to: R}]
        """
    )
    assert (err.block, err.field) == ("R", "reduce_output")
    assert "set `dynamic: true` on an upstream block or remove reduce_output" in err.message
