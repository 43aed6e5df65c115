"""A Mage project opened as it is: detection, the mapping of each metadata.yaml key, warnings
for what cannot be mapped, plan errors that name metadata.yaml and the block, and the editor's
view of a Mage pipeline (code saves work, structure edits are refused)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sluicegate.errors import Conflict, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.mage_project import is_mage_pipeline, is_mage_project
from sluicegate.graph.topology import Topology
from sluicegate.workspace import WorkspaceEditor, list_pipelines, read_pipeline

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mage_project"
ALL = [
    "dynamic_list",
    "dynamic_metadata",
    "etl_demo",
    "guarded",
    "nested_dynamic",
    "replicated",
    "streaming_demo",
    "with_sql",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "demo_project"
    shutil.copytree(FIXTURE, target)
    return target


def load(root: Path, name: str, env: dict[str, str] | None = None) -> Topology:
    return load_pipeline(root, name, environ=env or {})


def mage_warnings(topology: Topology) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for w in topology.warnings:
        if w.code == "mage":
            found.setdefault(w.block, []).append(w.message)
    return found


def write_mage(root: Path, name: str, blocks: list[dict[str, Any]], **extra: Any) -> None:
    """A pipeline metadata.yaml of `blocks` (given as Mage writes them) in project `root`."""
    folder = root / "pipelines" / name
    folder.mkdir(parents=True, exist_ok=True)
    data = {"blocks": blocks, "type": "python", "uuid": name, **extra}
    (folder / "metadata.yaml").write_text(yaml.safe_dump(data))


def py(root: Path, rel: str, body: str = "return 1") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = {"data_loaders": "data_loader", "custom": "custom"}.get(path.parent.name, "transformer")
    path.write_text(f"@{kind}\ndef f(*args, **kwargs):\n    {body}\n")


def test_a_mage_project_is_detected_and_lists_its_pipelines() -> None:
    assert is_mage_project(FIXTURE)
    assert not is_mage_project(FIXTURE.parent / "graph_workspace")
    assert list_pipelines(FIXTURE) == ALL


def test_a_pipeline_yaml_beside_metadata_yaml_wins(project: Path) -> None:
    folder = project / "pipelines" / "replicated"
    (folder / "pipeline.yaml").write_text(
        "blocks:\n- {name: only, file: ../../data_loaders/load_value.py}\n"
    )
    assert not is_mage_pipeline(project, "replicated")
    assert list(load(project, "replicated").blocks) == ["only"]
    assert "replicated" in list_pipelines(project)


def test_etl_blocks_stay_where_they_are_and_upstream_blocks_become_edges() -> None:
    topology = load(FIXTURE, "etl_demo")
    root = FIXTURE.resolve()
    assert {n: b.path for n, b in topology.blocks.items()} == {
        "load_orders": root / "data_loaders" / "load_orders.py",
        "add_totals": root / "transformers" / "add_totals.py",
        "export_summary": root / "data_exporters" / "export_summary.py",
        "largest_order": root / "custom" / "largest_order.py",
    }
    assert [(e.src, e.dst) for e in topology.edges.values()] == [
        ("load_orders", "add_totals"),
        ("add_totals", "export_summary"),
        ("add_totals", "largest_order"),
    ]
    assert topology.root == root  # run data goes to <project>/.sluicegate


def test_upstream_blocks_order_is_the_order_of_the_arguments(project: Path) -> None:
    py(project, "data_loaders/a.py")
    py(project, "data_loaders/b.py")
    py(project, "transformers/join_ab.py")
    write_mage(
        project,
        "two_inputs",
        [
            {"uuid": "a", "type": "data_loader", "upstream_blocks": []},
            {"uuid": "b", "type": "data_loader", "upstream_blocks": []},
            {"uuid": "join_ab", "type": "transformer", "upstream_blocks": ["b", "a"]},
        ],
    )
    join = load(project, "two_inputs").blocks["join_ab"]
    assert [e.src for e in join.inputs] == ["b", "a"]


def test_variables_concurrency_and_per_environment_overrides() -> None:
    topology = load(FIXTURE, "etl_demo")
    assert topology.variables == {"min_qty": 2}
    assert topology.settings.max_running == 4  # concurrency_config.block_run_limit
    assert load(FIXTURE, "etl_demo", {"ENV": "prod"}).variables == {"min_qty": 5}
    assert load(FIXTURE, "etl_demo", {"ENV": "staging"}).variables == {"min_qty": 2}


def test_dynamic_and_reduce_output_and_file_source_path() -> None:
    blocks = load(FIXTURE, "dynamic_list").blocks
    assert blocks["load_numbers"].dynamic and not blocks["load_numbers"].reduce_output
    assert blocks["times_ten"].reduce_output and not blocks["times_ten"].dynamic
    assert blocks["load_numbers"].path == FIXTURE.resolve() / "data_loaders" / "load_numbers.py"
    nested = load(FIXTURE, "nested_dynamic").blocks
    assert [n for n, b in nested.items() if b.dynamic] == ["load_groups", "expand"]
    assert [n for n, b in nested.items() if b.reduce_output] == ["square"]


def test_dynamic_blocks_v2_configuration_and_reduce_without_dynamic(project: Path) -> None:
    py(project, "data_loaders/items.py", "return [1, 2]")
    py(project, "transformers/each.py")
    py(project, "transformers/lonely.py")
    write_mage(
        project,
        "v2",
        [
            {
                "uuid": "items",
                "type": "data_loader",
                "configuration": {"dynamic": {"parent": True}},
            },
            {"uuid": "each", "type": "transformer", "upstream_blocks": ["items"]},
            {
                "uuid": "lonely",
                "type": "transformer",
                "upstream_blocks": [],
                "configuration": {"reduce_output": True},
            },
        ],
    )
    topology = load(project, "v2")
    assert topology.blocks["items"].dynamic
    assert not topology.blocks["lonely"].reduce_output
    assert "no dynamic upstream" in " ".join(mage_warnings(topology)["lonely"])


def test_a_replicated_block_runs_the_code_of_the_block_it_replicates() -> None:
    blocks = load(FIXTURE, "replicated").blocks
    assert blocks["double_again"].path == blocks["double_it"].path
    assert [e.src for e in blocks["double_again"].inputs] == ["double_it"]


def test_callbacks_conditionals_sensor_and_configuration(project: Path) -> None:
    blocks = load(FIXTURE, "guarded").blocks
    assert blocks["upper_items"].callbacks == ("callbacks/report_items.py",)
    assert blocks["export_items"].conditions == ("conditionals/exports_enabled.py",)
    assert blocks["load_items"].conditions == () and blocks["load_items"].callbacks == ()
    data = yaml.safe_load((project / "pipelines/guarded/metadata.yaml").read_text())
    data["blocks"][0]["timeout"] = 30
    data["blocks"][1]["configuration"] = {"table": "items"}
    (project / "pipelines/guarded/metadata.yaml").write_text(yaml.safe_dump(data))
    spec_blocks = read_pipeline(project, "guarded")["spec"]["blocks"]
    assert spec_blocks[0]["sensor_timeout_s"] == 30
    assert spec_blocks[1]["configuration"] == {"table": "items"}


def test_sql_and_r_blocks_and_their_downstream_are_warnings_not_errors() -> None:
    topology = load(FIXTURE, "with_sql")
    assert list(topology.blocks) == ["load_rows", "count_rows"]
    found = mage_warnings(topology)
    assert set(found) == {"sql_totals", "r_summary", "export_totals"}  # markdown: silent
    assert "SQL blocks are not run" in found["sql_totals"][0]
    assert "R blocks are not run" in found["r_summary"][0]
    assert "upstream block 'sql_totals' is not run" in found["export_totals"][0]


def test_a_streaming_pipeline_lists_every_block_it_cannot_run() -> None:
    topology = load(FIXTURE, "streaming_demo")
    found = mage_warnings(topology)
    assert topology.blocks == {}
    assert set(found) == {"", "kafka_source", "stream_transform", "stream_sink"}
    assert any("type 'streaming'" in m for m in found[""])
    assert any("executor_type 'k8s'" in m for m in found[""])
    assert "triggers.yaml" in " ".join(mage_warnings(load(FIXTURE, "etl_demo"))[""])


@pytest.mark.parametrize(
    ("change", "block", "words"),
    [
        ({"upstream_blocks": ["load_valeu"]}, "double_it", "unknown block 'load_valeu'"),
        ({"replicated_block": "nope"}, "double_again", "replicated_block names unknown"),
        ({"configuration": {"file_path": "/etc/passwd.py"}}, "double_it", "outside the project"),
        ({"configuration": {"file_source": {"path": "../x.py"}}}, "double_it", "outside"),
        ({"uuid": "double_it_v2"}, "double_it_v2", "transformers/double_it_v2.py' not found"),
    ],
)
def test_plan_errors_name_metadata_yaml_and_the_block(
    project: Path, change: dict[str, Any], block: str, words: str
) -> None:
    path = project / "pipelines" / "replicated" / "metadata.yaml"
    data = yaml.safe_load(path.read_text())
    index = 2 if block == "double_again" else 1
    data["blocks"][index].update(change)
    if "uuid" in change:
        data["blocks"][2]["upstream_blocks"] = [change["uuid"]]
        data["blocks"][2]["replicated_block"] = change["uuid"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PlanError) as caught:
        load(project, "replicated")
    assert caught.value.where == "pipelines/replicated/metadata.yaml"
    assert caught.value.block == block
    assert words in caught.value.message


def test_uuids_that_are_not_block_names_are_renamed(project: Path) -> None:
    py(project, "data_loaders/load-data.py")
    py(project, "transformers/sub/clean.py")
    write_mage(
        project,
        "odd_names",
        [
            {"uuid": "load-data", "type": "data_loader"},
            {"uuid": "sub/clean", "type": "transformer", "upstream_blocks": ["load-data"]},
        ],
    )
    topology = load(project, "odd_names")
    assert list(topology.blocks) == ["load_data", "sub_clean"]
    assert topology.blocks["sub_clean"].path.name == "clean.py"


def test_the_editor_shows_a_mage_pipeline_and_saves_its_code(project: Path) -> None:
    data = read_pipeline(project, "etl_demo")
    assert data["mage"] is True and data["error"] is None
    assert data["yaml"] == (project / "pipelines/etl_demo/metadata.yaml").read_text()
    assert data["blocks"]["add_totals"]["file"] == "../../transformers/add_totals.py"
    assert "@transformer" in data["blocks"]["add_totals"]["code"]
    assert {e["from"] for e in data["edges"]} == {"load_orders", "add_totals"}
    assert any(w["code"] == "mage" for w in data["warnings"])
    editor = WorkspaceEditor(project)
    code = "@transformer\ndef transform(data, *args, **kwargs):\n    return data\n"
    editor.update_block_code("etl_demo", "add_totals", code)
    assert (project / "transformers" / "add_totals.py").read_text() == code
    assert not (project / "pipelines/etl_demo/pipeline.yaml").exists()


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e.add_block("etl_demo", "extra"),
        lambda e: e.update_block_settings("etl_demo", "add_totals", {"collect": True}),
        lambda e: e.delete_block("etl_demo", "add_totals"),
        lambda e: e.rename_pipeline("etl_demo", "etl_new"),
        lambda e: e.delete_pipeline("etl_demo"),
        lambda e: e.replace_pipeline_yaml("etl_demo", "blocks: []\n"),
    ],
)
def test_structure_edits_of_a_mage_pipeline_are_refused_with_the_way_out(
    project: Path, edit: Any
) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    with pytest.raises(Conflict) as caught:
        edit(WorkspaceEditor(project))
    assert "edit metadata.yaml in Mage or import it with `sluicegate import-mage`" in str(
        caught.value
    )
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
