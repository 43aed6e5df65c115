"""Through the server, as a user of the browser sees it: stored outputs are the values each
block emitted (value isolation), and a Mage project served as it is lists its pipelines,
runs them, names dynamic children by their metadata and keeps its run data in .sluicegate/."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from api_helpers import open_client, start_run, wait_kernel_ready, wait_run
from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _rows(client: TestClient, run_id: str, block: str, uuid: str | None = None) -> Any:
    page = client.get(f"/api/runs/{run_id}/outputs/{block}/{uuid or block}")
    assert page.status_code == 200, page.text
    return page.json()["preview"]


def test_the_inspector_shows_what_each_block_emitted_not_what_others_did_to_it(
    client: TestClient, workspace: Path
) -> None:
    source = FIXTURES / "kernel_ws" / "pipelines" / "isolation_mutation"
    shutil.copytree(source, workspace / "pipelines" / "isolation_mutation")
    wait_kernel_ready(client)
    run_id = start_run(client, "isolation_mutation")
    assert wait_run(client, run_id)["run"]["status"] == "succeeded"
    # `a` adds 10 to n, `b` appends to tags, each on the item it received.
    assert _rows(client, run_id, "source")["rows"] == [[1, "[]"]]
    assert _rows(client, run_id, "a")["rows"] == [[11, "[]"]]
    assert _rows(client, run_id, "b")["rows"] == [[1, "['b']"]]
    # A generator changing one dict between yields emitted three different values.
    assert _rows(client, run_id, "tag")["rows"] == [[n, "['tag']"] for n in range(3)]


def test_a_mage_project_is_served_as_it_is(tmp_path: Path) -> None:
    project = tmp_path / "mage"
    shutil.copytree(FIXTURES / "mage_project", project)
    before = {p for p in project.rglob("*") if ".sluicegate" not in p.parts}
    with open_client(project) as client:
        listed = {p["name"]: p for p in client.get("/api/pipelines").json()}
        assert {"etl_demo", "dynamic_list", "dynamic_metadata"} <= set(listed)
        wait_kernel_ready(client)
        run_id = start_run(client, "dynamic_metadata")
        assert wait_run(client, run_id)["run"]["status"] == "succeeded"
        children = client.get(f"/api/runs/{run_id}/blocks/greet/children").json()["items"]
        names = sorted(child["uuid"] for child in children)
        assert names == ["greet:user_1", "greet:user_2", "greet:user_3"]
        reduced = _rows(client, run_id, "collect_greetings")
        assert "hello ann" in str(reduced) and "hello cy" in str(reduced)
    after = {p for p in project.rglob("*") if ".sluicegate" not in p.parts}
    assert after == before, f"files written into the Mage project: {sorted(after - before)}"
    assert (project / ".sluicegate").is_dir()
