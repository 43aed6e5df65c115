"""API fuzzing: thousands of requests generated from /openapi.json, and not one 5xx.

Schemathesis turns every operation of the app's own OpenAPI document into a Hypothesis
strategy, in both modes: requests that fit the schema and requests that break it. Random
path parameters would only ever reach a 404, so half the time a path parameter is replaced by
a name that exists (a pipeline, a block, a port, an edge, a run, a block run), and half the
time the optional `If-Match` header is left out, so edits get past the version check and
reach the code behind it.

One app with its kernel process serves the whole module. Before each operation's batch the
workspace's pipelines are put back as they were, so a batch that deleted or renamed them does
not leave the next batch nothing but 404s. A 5xx does not stop the run: every one is
collected, and the last test lists them all with the request that caused it.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from api_helpers import (
    TERMINAL,
    make_workspace,
    open_client,
    start_run,
    wait_kernel_ready,
    wait_run,
)
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from sluicegate.graph.spec import BlockSpec, EdgeSpec, RunSettingsSpec

CASES_PER_OPERATION = 70  # 31 operations: about 2,200 requests
MIN_REQUESTS = 2000
# Pipelines whose blocks end quickly: a notebook cell runs until its code returns (or the run
# is cancelled), so a cell of `stuck` would hold its request open for good.
QUICK_PIPELINES = {"seed_stream", "etl_sort_join", "deadlock_diamond", "crash", "flaky", "fanout"}
# Body fields that name things, and the names the fuzzer may put there.
NAME_FIELDS = {
    "name": "block",
    "src": "block",
    "dst": "block",
    "src_port": "port",
    "dst_port": "port",
}
# Setting objects get real setting keys (from the pipeline spec's models) with any values.
SETTING_KEYS = sorted(
    {*BlockSpec.model_fields, *EdgeSpec.model_fields, *RunSettingsSpec.model_fields}
)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
SETTINGS = st.dictionaries(st.sampled_from(SETTING_KEYS), ANY_VALUE, min_size=1, max_size=4)


@dataclass
class Fuzz:
    client: TestClient
    workspace: Path
    pristine: Path
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    known: dict[str, list[str]] = field(default_factory=dict)
    # Per pipeline and per run: its own blocks, ports, edges and block runs.
    scopes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    per_operation: dict[str, dict[int, int]] = field(default_factory=dict)
    current: dict[int, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    root = tmp_path_factory.mktemp("fuzz")
    workspace = make_workspace(root / "ws")
    for folder in (workspace / "pipelines").iterdir():
        if folder.name not in QUICK_PIPELINES:
            shutil.rmtree(folder)
    pristine = root / "pipelines"
    shutil.copytree(workspace / "pipelines", pristine)
    with open_client(workspace, watch=False) as client:
        wait_kernel_ready(client)
        # Runs to read back: dynamic children (seed_stream), a failed block (flaky).
        for pipeline, variables in (("flaky", {"fail": True}), ("seed_stream", {})):
            wait_run(client, start_run(client, pipeline, **variables))
        yield Fuzz(client, workspace, pristine)


def restore(fuzz: Fuzz) -> None:
    """Put the workspace's pipelines back and stop any run a batch started."""
    for run in fuzz.client.get("/api/runs", params={"limit": 50}).json()["items"]:
        if run["status"] not in TERMINAL:
            fuzz.client.post(f"/api/runs/{run['id']}/cancel")
    pipelines = fuzz.workspace / "pipelines"
    shutil.rmtree(pipelines)
    shutil.copytree(fuzz.pristine, pipelines)


def learn_names(fuzz: Fuzz) -> None:
    """Names that exist now, per path parameter: what the fuzzer mixes into its paths. A
    path's later parameters come from its pipeline's or run's own names."""
    client = fuzz.client
    pipelines = [p["name"] for p in client.get("/api/pipelines").json()]
    fuzz.scopes = {}
    everything: dict[str, set[str]] = {"block": set(), "port": set(), "edge": set()}
    for name in pipelines:
        detail = client.get(f"/api/pipelines/{name}").json()
        edges = detail.get("edges") or []
        scope = {
            "block": sorted(detail.get("blocks") or {}),
            "port": sorted({"out"} | {e["dst_port"] for e in edges}),
            "edge": [e["id"] for e in edges],
        }
        fuzz.scopes[name] = scope
        for key, values in scope.items():
            everything[key].update(values)
    run_ids = [r["id"] for r in client.get("/api/runs", params={"limit": 20}).json()["items"]]
    for run_id in run_ids[:8]:
        detail = client.get(f"/api/runs/{run_id}").json()
        uuids = [b["uuid"] for b in detail.get("block_runs", [])]
        fuzz.scopes[run_id] = {
            "block": sorted(detail.get("blocks") or {}),
            "uuid": uuids + [f"{b}:0" for b in detail.get("blocks") or {}],
        }
    fuzz.known = {
        "name": pipelines,
        "pipeline": pipelines,
        "run_id": run_ids,
        **{key: sorted(values) for key, values in everything.items()},
    }


def describe(method: str, url: str, kwargs: dict[str, Any], response: httpx.Response) -> str:
    body = kwargs.get("json", kwargs.get("content"))
    shown = json.dumps(body, default=repr)[:400] if body is not None else "-"
    return (
        f"{method} {url} params={kwargs.get('params')} headers={kwargs.get('headers')} "
        f"body={shown} -> {response.status_code} {response.text[:400]}"
    )


def realistic_body(fuzz: Fuzz, body: Any, draw: st.DataObject) -> Any:
    """Half the time, names in the body that exist and setting objects with real keys."""
    if not isinstance(body, dict) or not draw.draw(st.booleans(), label="realistic body"):
        return body
    body = dict(body)
    for key, value in body.items():
        known = fuzz.known.get(NAME_FIELDS.get(key, ""))
        if known and isinstance(value, str):
            body[key] = draw.draw(st.sampled_from(known), label=key)
        elif key in ("settings", "buffers") and isinstance(value, dict):
            body[key] = draw.draw(SETTINGS, label=key)
    return body


def send(fuzz: Fuzz, case: Any, draw: st.DataObject) -> None:
    path_values = dict(case.path_parameters or {})
    scope: dict[str, list[str]] = {}
    for name in re.findall(r"{(\w+)}", case.path):
        known = scope.get(name) or fuzz.known.get(name) or []
        if name in path_values and known and draw.draw(st.booleans(), label=f"known {name}"):
            path_values[name] = draw.draw(st.sampled_from(known), label=name)
            scope = fuzz.scopes.get(path_values[name], scope)
    url = case.path
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", quote(str(value), safe=""))
    headers = {str(k): str(v) for k, v in (case.headers or {}).items()}
    if "if-match" in headers and draw.draw(st.booleans(), label="drop if-match"):
        del headers["if-match"]
    kwargs: dict[str, Any] = {"headers": headers}
    if case.query:
        kwargs["params"] = case.query
    if not isinstance(case.body, NotSet):
        kwargs["json"] = realistic_body(fuzz, case.body, draw)
    try:
        request = fuzz.client.build_request(case.method, url, **kwargs)
    except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError, TypeError, ValueError):
        return  # the client could not even send it (a header with a newline, ...)
    fuzz.sent += 1
    try:
        response = fuzz.client.send(request)
    except Exception as exc:  # TestClient re-raises what the app did not handle: a 500
        fuzz.failures.append(f"{case.method} {url} {kwargs} -> raised {exc!r}"[:1200])
        return
    for tally in (fuzz.statuses, fuzz.current):
        tally[response.status_code] = tally.get(response.status_code, 0) + 1
    if response.status_code >= 500:
        fuzz.failures.append(describe(case.method, url, kwargs, response))


def fuzz_operation(fuzz: Fuzz, operation: Any) -> None:
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=CASES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, draw=st.data())
    def check(case: Any, draw: st.DataObject) -> None:
        send(fuzz, case, draw)

    # Hypothesis stops early when an operation has few inputs (GET /api/kernel has none).
    before = fuzz.sent
    fuzz.current = {}
    for _ in range(4):
        check()
        if fuzz.sent - before >= CASES_PER_OPERATION:
            break
    fuzz.per_operation[f"{operation.method.upper()} {operation.path}"] = fuzz.current


@pytest.mark.timeout(400)
def test_no_generated_request_gets_a_5xx(fuzz: Fuzz) -> None:
    spec = fuzz.client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:
        restore(fuzz)
        learn_names(fuzz)
        fuzz_operation(fuzz, operation)
    restore(fuzz)
    elapsed = time.monotonic() - started
    print(f"\n{fuzz.sent} requests in {elapsed:.0f} s; statuses {sorted(fuzz.statuses.items())}")
    for operation, tally in fuzz.per_operation.items():
        print(f"  {operation}: {dict(sorted(tally.items()))}")
    assert not fuzz.failures, f"{len(fuzz.failures)} requests got a 5xx:\n" + "\n".join(
        fuzz.failures[:40]
    )


def test_at_least_2000_requests_were_sent(fuzz: Fuzz) -> None:
    assert fuzz.sent >= MIN_REQUESTS, f"only {fuzz.sent} requests were sent"
    assert set(fuzz.statuses) & {200, 201}, "no generated request ever succeeded"
