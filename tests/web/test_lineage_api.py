"""Child lineage over HTTP: each child row says which upstream run (and which item of a
dynamic upstream) each of its inputs came from, as the child tables and the inspector show."""

from __future__ import annotations

from api_helpers import start_run, wait_run
from fastapi.testclient import TestClient

FAST = {"a_sleep": "0", "b_sleep": "0", "c_sleep": "0", "d_sleep": "0"}


def sources(row: dict) -> list[tuple[str, str | None, int | None]]:
    return [(s["port"], s["uuid"], s["item"]) for s in row["lineage"]]


def test_children_name_the_upstream_runs_their_inputs_came_from(client: TestClient) -> None:
    run_id = start_run(client, "seed_stream", **FAST)
    assert wait_run(client, run_id)["run"]["status"] == "succeeded"

    page = client.get(f"/api/runs/{run_id}/blocks/D/children", params={"limit": 100}).json()
    by_uuid = {row["uuid"]: row for row in page["items"]}
    # match: product of B's and C's children: D:7:3 is B's child 7 with C's child 3.
    assert sources(by_uuid["D:7:3"]) == [("B", "B:7", None), ("C", "C:3", None)]
    assert all(len(row["lineage"]) == 2 for row in page["items"])

    b = client.get(f"/api/runs/{run_id}/blocks/B/children").json()["items"]
    # B runs once per item of the dynamic block A: B:4 got item 4 of A's output.
    assert sources(next(r for r in b if r["uuid"] == "B:4")) == [("A", "A", 4)]

    one = client.get(f"/api/runs/{run_id}/block_runs/D:2:9").json()["block_run"]
    assert sources(one) == [("B", "B:2", None), ("C", "C:9", None)]
    whole = client.get(f"/api/runs/{run_id}/block_runs/A").json()["block_run"]
    assert whole["lineage"] is None  # not a child
