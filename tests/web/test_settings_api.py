"""Settings routes: run settings, buffers, variables, config rules (with the ports each
matches), raw pipeline.yaml and sluicegate.yaml, and a port key applied where it wins.

Each write keeps every comment of the file; a refused value is 422 naming the field, and
the file stays byte for byte as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import start_run, wait_run
from fastapi.testclient import TestClient

DIAMOND = "deadlock_diamond"
J_RIGHT = "B.out->J.right"


def yaml_path(workspace: Path, pipeline: str = DIAMOND) -> Path:
    return workspace / "pipelines" / pipeline / "pipeline.yaml"


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def refused(response: Any, field: str, *words: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert field in error["field"] or field in error["message"], error
    for word in words:
        assert word in error["message"], error
    return error


def plan_of(client: TestClient, edge: str, pipeline: str = DIAMOND) -> dict[str, Any]:
    entry: dict[str, Any] = client.get(f"/api/pipelines/{pipeline}/plan").json()["edges"][edge]
    return entry


def test_the_catalog_lists_every_setting_with_type_and_default(client: TestClient) -> None:
    from sluicegate.graph.spec import PORT_KEYS, RunSettingsSpec

    catalog = client.get("/api/settings/catalog").json()
    settings = {f["key"]: f for f in catalog["settings"]}
    assert set(settings) == set(RunSettingsSpec.model_fields)
    assert settings["max_running"]["type"] == "int" and settings["max_running"]["default"] == 32
    assert settings["max_running"]["minimum"] == 1
    assert settings["on_deadlock"]["options"] == ["fail", "promote_full"]
    assert all(f["help"] for f in catalog["settings"] + catalog["ports"])
    ports = {f["key"]: f for f in catalog["ports"]}
    assert tuple(ports) == PORT_KEYS
    assert ports["bytes_per_row_buffer"]["default"] == 65536


def test_run_settings_are_set_and_removed_keeping_comments(
    client: TestClient, workspace: Path
) -> None:
    before = yaml_path(workspace).read_text()
    response = client.patch(
        f"/api/pipelines/{DIAMOND}/settings", json={"settings": {"max_running": 2}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["spec"]["settings"] == {"max_running": 2}
    assert comments(yaml_path(workspace).read_text()) == comments(before)
    response = client.patch(
        f"/api/pipelines/{DIAMOND}/settings", json={"settings": {"max_running": None}}
    )
    assert "settings" not in response.json()["spec"]
    assert yaml_path(workspace).read_text() == before


@pytest.mark.parametrize(
    ("section", "values", "field", "words"),
    [
        ("settings", {"max_running": 0}, "max_running", ["greater than or equal to 1"]),
        ("settings", {"max_runing": 3}, "max_runing", ["did you mean 'max_running'"]),
        ("settings", {"fail_fast": "no"}, "fail_fast", []),
        ("buffers", {"buffering_mode": "fulll"}, "buffering_mode", ["did you mean 'full'"]),
        ("buffers", {"rows_per_buffer": -1}, "rows_per_buffer", []),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient,
    workspace: Path,
    section: str,
    values: dict[str, Any],
    field: str,
    words: list[str],
) -> None:
    before = yaml_path(workspace).read_bytes()
    response = client.patch(f"/api/pipelines/{DIAMOND}/{section}", json={section: values})
    refused(response, field, *words)
    assert yaml_path(workspace).read_bytes() == before


def test_buffers_change_the_plan_and_keep_comments(client: TestClient, workspace: Path) -> None:
    before = yaml_path(workspace).read_text()
    response = client.patch(
        f"/api/pipelines/{DIAMOND}/buffers", json={"buffers": {"rows_per_buffer": 128}}
    )
    assert response.status_code == 200, response.text
    assert plan_of(client, "S.out->B.S")["rows_per_buffer"] == {"value": 128, "source": "pipeline"}
    after = yaml_path(workspace).read_text()
    assert comments(after) == comments(before)
    assert after.replace("128", "64") == before


def test_variables_are_replaced(client: TestClient, workspace: Path) -> None:
    response = client.put(f"/api/pipelines/{DIAMOND}/variables", json={"variables": {"rows": 10}})
    assert response.json()["spec"]["variables"] == {"rows": 10}
    response = client.put(f"/api/pipelines/{DIAMOND}/variables", json={"variables": {}})
    assert "variables" not in response.json()["spec"]


def test_rules_list_the_ports_they_match_and_the_keys_they_decide(client: TestClient) -> None:
    (rule,) = client.get(f"/api/pipelines/{DIAMOND}/config").json()
    assert rule["target"] == "J.right"
    assert rule["ports"] == [
        {"edge": J_RIGHT, "block": "J", "port": "right", "wins": ["buffering_mode"]}
    ]
    response = client.post(
        f"/api/pipelines/{DIAMOND}/config",
        json={"rule": {"apply_to": "J.*", "buffering_mode": "full", "rows_per_buffer": 8}},
    )
    assert response.status_code == 201, response.text
    first, second = client.get(f"/api/pipelines/{DIAMOND}/config").json()
    assert first["ports"][0]["wins"] == [], "the later rule decides J.right now"
    assert [(p["port"], p["wins"]) for p in second["ports"]] == [
        ("left", ["buffering_mode", "rows_per_buffer"]),
        ("right", ["buffering_mode", "rows_per_buffer"]),
    ]
    # the planner agrees: the later matching rule is where J.right's values come from
    assert plan_of(client, J_RIGHT)["buffering_mode"] == {
        "value": "full",
        "source": "pipeline config (apply_to J.*)",
    }


def test_rules_are_edited_reordered_and_deleted_keeping_comments(
    client: TestClient, workspace: Path
) -> None:
    url = f"/api/pipelines/{DIAMOND}/config"
    before = yaml_path(workspace).read_text()
    client.post(url, json={"rule": {"apply_to": {"block": "J"}, "buffering_mode": "full"}})
    response = client.post(f"{url}/1/move", json={"to": 0})
    assert response.status_code == 200, response.text
    assert [r["apply_to"] for r in response.json()["spec"]["config"]] == [{"block": "J"}, "J.right"]
    assert plan_of(client, J_RIGHT)["buffering_mode"]["value"] == "limited"
    response = client.put(f"{url}/1", json={"rule": {"apply_to": "J.right", "sizer": "deep"}})
    assert response.status_code == 200, response.text
    assert plan_of(client, J_RIGHT)["buffering_mode"]["value"] == "full"
    assert plan_of(client, J_RIGHT)["sizer"]["source"] == "pipeline config (apply_to J.right)"
    assert client.delete(f"{url}/0").status_code == 200
    assert client.delete(f"{url}/0").status_code == 200
    assert client.get(url).json() == []
    assert comments(yaml_path(workspace).read_text()) == comments(before)


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        ({"apply_to": "X.right", "buffering_mode": "full"}, "config[1]", ["'X'"]),
        ({"apply_to": "J.rite", "buffering_mode": "full"}, "config[1]", ["did you mean 'right'"]),
        ({"apply_to": "J.right", "bufering_mode": "full"}, "bufering_mode", ["did you mean"]),
        ({"buffering_mode": "full"}, "apply_to", ["missing"]),
    ],
)
def test_a_bad_rule_is_refused_naming_it(
    client: TestClient, workspace: Path, rule: dict[str, Any], field: str, words: list[str]
) -> None:
    before = yaml_path(workspace).read_bytes()
    refused(client.post(f"/api/pipelines/{DIAMOND}/config", json={"rule": rule}), field, *words)
    assert yaml_path(workspace).read_bytes() == before


def test_a_missing_rule_is_404(client: TestClient) -> None:
    response = client.put(
        f"/api/pipelines/{DIAMOND}/config/5", json={"rule": {"apply_to": "J.right"}}
    )
    assert response.status_code == 404
    assert "has 1 rule" in response.json()["error"]["message"]


def test_the_deadlock_fix_is_applied_on_the_rule_that_wins_and_the_run_succeeds(
    client: TestClient, workspace: Path
) -> None:
    failed = wait_run(client, start_run(client, DIAMOND))
    assert failed["run"]["status"] == "failed"
    before = yaml_path(workspace).read_text()
    response = client.post(
        f"/api/pipelines/{DIAMOND}/ports/apply",
        json={"edge": J_RIGHT, "key": "buffering_mode", "value": "full"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["applied"]["level"] == "config rule 1 (apply_to J.right)"
    after = yaml_path(workspace).read_text()
    assert after == before.replace("buffering_mode: limited", "buffering_mode: full")
    assert plan_of(client, J_RIGHT)["buffering_mode"]["value"] == "full"
    assert wait_run(client, start_run(client, DIAMOND))["run"]["status"] == "succeeded"


def test_a_fix_under_a_broad_rule_adds_a_more_specific_rule_last(
    client: TestClient, workspace: Path
) -> None:
    client.put(
        f"/api/pipelines/{DIAMOND}/config/0",
        json={"rule": {"apply_to": "J.*", "buffering_mode": "limited"}},
    )
    response = client.post(
        f"/api/pipelines/{DIAMOND}/ports/apply",
        json={"edge": J_RIGHT, "key": "buffering_mode", "value": "full"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["spec"]["config"] == [
        {"apply_to": "J.*", "buffering_mode": "limited"},
        {"apply_to": "J.right", "buffering_mode": "full"},
    ]
    assert plan_of(client, J_RIGHT)["buffering_mode"] == {
        "value": "full",
        "source": "pipeline config (apply_to J.right)",
    }


def test_a_fix_no_rule_decides_goes_on_the_block_port(client: TestClient) -> None:
    response = client.post(
        f"/api/pipelines/{DIAMOND}/ports/apply",
        json={"edge": "S.out->B.S", "key": "rows_per_buffer", "value": 16},
    )
    assert response.status_code == 200, response.text
    block = next(b for b in response.json()["spec"]["blocks"] if b["name"] == "B")
    assert block["ports"] == {"S": {"rows_per_buffer": 16}}
    assert plan_of(client, "S.out->B.S")["rows_per_buffer"] == {
        "value": 16,
        "source": "block ports",
    }


def test_a_fix_for_an_unknown_edge_or_key_is_refused(client: TestClient) -> None:
    url = f"/api/pipelines/{DIAMOND}/ports/apply"
    response = client.post(url, json={"edge": "B.out->J.rite", "key": "sizer", "value": "deep"})
    assert response.status_code == 404 and "did you mean" in response.json()["error"]["message"]
    response = client.post(url, json={"edge": J_RIGHT, "key": "buffer_mode", "value": "full"})
    refused(response, "key", "did you mean 'buffering_mode'")


def test_raw_yaml_is_saved_as_typed_and_a_file_that_does_not_load_is_refused(
    client: TestClient, workspace: Path
) -> None:
    url = f"/api/pipelines/{DIAMOND}/yaml"
    text = (
        yaml_path(workspace)
        .read_text()
        .replace("\nconfig:\n", "\n# rows_per_buffer kept small on purpose\nconfig:\n")
    )
    text = text.replace("rows_per_buffer: 64", "rows_per_buffer: 32  # small")
    response = client.put(url, json={"text": text})
    assert response.status_code == 200, response.text
    assert yaml_path(workspace).read_text() == text
    assert plan_of(client, "S.out->B.S")["rows_per_buffer"]["value"] == 32
    # a form edit afterwards keeps the comments typed here
    client.patch(f"/api/pipelines/{DIAMOND}/buffers", json={"buffers": {"rows_per_buffer": 16}})
    assert yaml_path(workspace).read_text() == text.replace("32  # small", "16  # small")
    saved = yaml_path(workspace).read_bytes()
    for bad, words in [
        (text.replace("blocks:", "blocks: [", 1), ["invalid YAML"]),
        (text.replace("stream: true", "stream: maybe"), ["stream"]),
        (text.replace("{from: B, to: J.right}", "{from: Q, to: J.right}"), ["'Q'"]),
    ]:
        response = client.put(url, json={"text": bad})
        assert response.status_code == 422, response.text
        for word in words:
            assert word in response.json()["error"]["message"]
        assert yaml_path(workspace).read_bytes() == saved


def test_a_stale_write_is_412_and_writes_nothing(client: TestClient, workspace: Path) -> None:
    version = client.get(f"/api/pipelines/{DIAMOND}").json()["version"]
    client.patch(f"/api/pipelines/{DIAMOND}/settings", json={"settings": {"max_running": 3}})
    before = yaml_path(workspace).read_bytes()
    response = client.post(
        f"/api/pipelines/{DIAMOND}/config",
        json={"rule": {"apply_to": "J.left", "sizer": "deep"}},
        headers={"If-Match": f'"{version}"'},
    )
    assert response.status_code == 412
    assert yaml_path(workspace).read_bytes() == before


def test_workspace_settings_are_created_edited_and_validated(
    client: TestClient, workspace: Path
) -> None:
    path = workspace / "sluicegate.yaml"
    path.unlink(missing_ok=True)
    assert client.get("/api/workspace/settings").json()["exists"] is False
    response = client.patch("/api/workspace/settings", json={"settings": {"max_running": 4}})
    assert response.status_code == 200, response.text
    assert response.json()["spec"] == {"settings": {"max_running": 4}}
    text = "# shared by every pipeline\n" + path.read_text().replace("4", "4  # two cores")
    response = client.put("/api/workspace/yaml", json={"text": text})
    assert response.status_code == 200, response.text
    response = client.patch(
        "/api/workspace/settings",
        json={"buffers": {"rows_per_buffer": 256}, "keep_outputs": "sample"},
    )
    assert response.status_code == 200, response.text
    saved = path.read_text()
    assert "# shared by every pipeline" in saved and "4  # two cores" in saved
    source = plan_of(client, "S.out->B.S")["rows_per_buffer"]["source"]
    assert source == "pipeline", "the pipeline's own buffers: win over the workspace's"
    assert plan_of(client, "A.out->B.A", "seed_stream")["rows_per_buffer"] == {
        "value": 256,
        "source": "workspace",
    }
    before = path.read_bytes()
    refused(
        client.patch("/api/workspace/settings", json={"settings": {"max_threads": 0}}),
        "max_threads",
    )
    refused(
        client.put("/api/workspace/yaml", json={"text": "bufers: {}\n"}), "bufers", "did you mean"
    )
    refused(client.put("/api/workspace/yaml", json={"text": "settings: [\n"}), "", "invalid YAML")
    assert path.read_bytes() == before
    etag = client.get("/api/workspace/settings").headers["ETag"]
    path.write_text(saved + "# edited by hand\n")
    response = client.patch(
        "/api/workspace/settings", json={"keep_outputs": None}, headers={"If-Match": etag}
    )
    assert response.status_code == 412


@pytest.mark.parametrize("value", [{"a\x85b": 1}, {"k": "a\x85b"}])
def test_a_value_yaml_cannot_hold_is_refused_not_a_server_error(
    client: TestClient, workspace: Path, value: dict[str, Any]
) -> None:
    before = yaml_path(workspace).read_bytes()
    response = client.put(f"/api/pipelines/{DIAMOND}/variables", json={"variables": value})
    refused(response, "", "control characters")
    assert yaml_path(workspace).read_bytes() == before


def test_a_value_with_a_line_separator_is_written_to_read_back_as_sent(client: TestClient) -> None:
    value = {"k": "line\u2028break"}
    response = client.put(f"/api/pipelines/{DIAMOND}/variables", json={"variables": value})
    assert response.json()["spec"]["variables"] == value
