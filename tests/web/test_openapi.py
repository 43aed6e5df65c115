"""The HTTP API describes itself: every route is in /openapi.json with the schema of what it
takes and what it returns, and /docs renders it."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import sluicegate.web.routes as routes_package

BODY_METHODS = {"post", "put", "patch"}


def declared_routes() -> Iterator[tuple[str, str, APIRoute]]:
    """(path, method, route) of every API route of every module of `sluicegate.web.routes`."""
    for info in pkgutil.iter_modules(routes_package.__path__):
        module = importlib.import_module(f"{routes_package.__name__}.{info.name}")
        for route in getattr(module, "router").routes:  # noqa: B009 - every module has one
            if isinstance(route, APIRoute) and route.include_in_schema:
                for method in route.methods:
                    yield route.path, method.lower(), route


def success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (code,) = [c for c in operation["responses"] if c.startswith("2")]
    return code, operation["responses"][code]


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def test_every_route_is_listed(openapi: dict[str, Any]) -> None:
    declared = {(path, method) for path, method, _ in declared_routes()}
    listed = {(path, method) for path, ops in openapi["paths"].items() for method in ops}

    assert len(declared) > 20
    assert declared <= listed, f"missing from /openapi.json: {sorted(declared - listed)}"
    for path in ("/api/pipelines", "/api/runs/{run_id}/blocks/{block}/children", "/api/kernel"):
        assert path in openapi["paths"]


def test_every_route_has_request_and_response_schemas(openapi: dict[str, Any]) -> None:
    for path, method, route in declared_routes():
        operation = openapi["paths"][path][method]
        where = f"{method.upper()} {path}"
        if route.body_field is not None:
            assert method in BODY_METHODS, where
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert "$ref" in body, f"{where}: the request body is a named model"
        code, response = success(operation)
        if code == "204" or "text/plain" in response.get("content", {}):  # 204, /metrics
            continue
        assert response["content"]["application/json"]["schema"], f"{where}: a response schema"
        for parameter in operation.get("parameters", []):
            assert parameter["schema"], f"{where}: parameter {parameter['name']}"


def test_every_json_response_is_a_named_model(openapi: dict[str, Any]) -> None:
    loose = []
    for path, method, _ in declared_routes():
        code, response = success(openapi["paths"][path][method])
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        items = schema.get("items", {})
        named = "$ref" in schema or "$ref" in items or items.get("type") in ("string", "integer")
        plain = "text/plain" in response.get("content", {})
        if code != "204" and not named and not plain:
            loose.append(f"{method.upper()} {path}")
    assert not loose, f"free-form response objects: {loose}"


def test_the_models_carry_their_fields(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert set(schemas["RunStart"]["properties"]) == {"mode", "executor", "variables"}
    assert {"id", "pipeline", "status", "duration_s"} <= set(schemas["RunOut"]["properties"])
    assert {"total", "offset", "limit", "items"} <= set(schemas["BlockRunPage"]["properties"])
    assert {"meta", "preview"} <= set(schemas["OutputPage"]["properties"])


def test_docs_page_renders(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert "/openapi.json" in client.get("/static/docs.js").text


def test_metrics_are_served_as_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE sluicegate_block_items_out_total counter" in response.text
