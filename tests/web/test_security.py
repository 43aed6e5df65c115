"""Who may reach the server (README, Security): the token, Host and Origin checks, XSRF for
cookie sessions, the body limit and the headers on every response."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_helpers import BASE_URL, TOKEN, LoopbackClient, start_run, wait_run
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from sluicegate.web.security import SecurityOptions
from sluicegate.web.serve import ServeOptions, address, security_options

# One real path per route family of the API (the OpenAPI document lists them all; the test
# below checks every one of them, these are the readable examples).
FAMILIES = [
    ("GET", "/api/pipelines"),
    ("GET", "/api/pipelines/seed_stream"),
    ("POST", "/api/pipelines/seed_stream/runs"),
    ("GET", "/api/runs"),
    ("POST", "/api/runs/r-1/cancel"),
    ("GET", "/api/kernel"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
]


def anonymous(client: TestClient, **headers: str) -> TestClient:
    """A client of the same app that sends no token (and no lifespan: nothing should reach
    a route anyway)."""
    return LoopbackClient(client.app, base_url=BASE_URL, headers=headers)


def every_api_route(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    routes = []
    for path, methods in spec["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        routes.extend((method.upper(), concrete) for method in methods)
    return routes


def test_every_route_needs_the_token(client: TestClient) -> None:
    anon = anonymous(client)
    routes = every_api_route(client)
    assert len(routes) >= 20
    for method, path in routes + FAMILIES:
        response = anon.request(method, path, json={} if method != "GET" else None)
        assert response.status_code == 401, (method, path, response.text)
        error = response.json()["error"]
        assert error["type"] == "Unauthorized"
        assert "token" in error["message"]


def test_a_wrong_token_is_refused_and_the_right_one_in_either_scheme_is_accepted(
    client: TestClient,
) -> None:
    assert anonymous(client, Authorization="token nope").get("/api/kernel").status_code == 401
    assert anonymous(client, Authorization=f"token {TOKEN}").get("/api/kernel").status_code == 200
    assert anonymous(client, Authorization=f"Bearer {TOKEN}").get("/api/kernel").status_code == 200
    assert anonymous(client).get(f"/api/kernel?token={TOKEN}").status_code == 200


def test_pages_without_the_token_ask_for_it(client: TestClient) -> None:
    anon = anonymous(client)
    page = anon.get("/pipelines/seed_stream")
    assert page.status_code == 401
    assert "text/html" in page.headers["content-type"]
    assert "needs its token" in page.text
    assert 'name="token"' in page.text
    wrong = anon.get("/?token=wrong")
    assert wrong.status_code == 401
    assert "not this server" in wrong.text
    # Static assets carry no workspace data: the login page may use them.
    assert anon.get("/static/docs.js").status_code == 200


def test_the_token_address_logs_in_with_a_cookie_and_shows_the_clean_address(
    client: TestClient,
) -> None:
    browser = anonymous(client)
    response = browser.get(f"/runs?token={TOKEN}&x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/runs?x=1"
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("sluicegate-session"))
    assert "HttpOnly" in session and "SameSite=Strict" in session
    assert TOKEN not in session  # the cookie holds a value derived from the token
    assert any(c.startswith("_xsrf=") for c in cookies)
    # The cookie alone now opens pages and reads the API.
    assert browser.get("/runs").status_code == 200
    assert browser.get("/api/kernel").status_code == 200


def test_cookie_sessions_need_the_xsrf_header_for_every_change(client: TestClient) -> None:
    browser = anonymous(client)
    browser.get(f"/?token={TOKEN}")
    xsrf = browser.cookies["_xsrf"]
    forged = browser.post("/api/pipelines", json={"name": "forged"})
    assert forged.status_code == 403
    assert "X-XSRFToken" in forged.json()["error"]["message"]
    assert browser.post("/api/runs/r-1/cancel").status_code == 403  # body-less, still checked
    wrong = browser.post("/api/pipelines", json={"name": "forged"}, headers={"X-XSRFToken": "no"})
    assert wrong.status_code == 403
    assert not (client.app.state.workspace / "pipelines" / "forged").exists()
    made = browser.post("/api/pipelines", json={"name": "made"}, headers={"X-XSRFToken": xsrf})
    assert made.status_code == 201, made.text
    # A script with the token in its header needs no XSRF cookie.
    assert client.post("/api/pipelines", json={"name": "scripted"}).status_code == 201


def test_a_cross_origin_page_cannot_change_anything_even_with_the_cookie(
    client: TestClient,
) -> None:
    browser = anonymous(client)
    browser.get(f"/?token={TOKEN}")
    headers = {"X-XSRFToken": browser.cookies["_xsrf"], "Origin": "http://evil.example"}
    response = browser.post("/api/pipelines", json={"name": "evil"}, headers=headers)
    assert response.status_code == 403
    assert "evil.example" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "192.168.1.9"])
def test_a_foreign_host_is_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends Host: evil.example."""
    response = client.get("/api/pipelines", headers={"Host": host})
    assert response.status_code == 403
    assert "--allow-host" in response.json()["error"]["message"]
    with pytest.raises(WebSocketDenialResponse) as denied:
        client.websocket_connect("/ws", headers={"Host": host}).__enter__()
    assert denied.value.status_code == 403


@pytest.mark.parametrize("host", ["localhost:8765", "127.0.0.1", "[::1]:8765"])
def test_loopback_names_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/kernel", headers={"Host": host}).status_code == 200


def test_allow_host_and_allow_origin_widen_the_rules() -> None:
    options = SecurityOptions(
        token="t",
        bind_host="0.0.0.0",
        allow_hosts=frozenset({"box.lan"}),
        allow_origins=frozenset({"https://proxy.example"}),
    )
    assert options.host_allowed("box.lan:8765")
    assert not options.host_allowed("0.0.0.0:8765")
    assert not options.host_allowed("other.lan")
    assert SecurityOptions(token="t", bind_host="10.1.2.3").host_allowed("10.1.2.3:80")


def test_the_websocket_needs_the_token_and_this_origin(client: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as denied:
        anonymous(client).websocket_connect("/ws").__enter__()
    assert denied.value.status_code == 401
    for origin in ("http://evil.example", "null", "http://127.0.0.1:9999"):
        with pytest.raises(WebSocketDenialResponse) as denied:
            client.websocket_connect("/ws", headers={"Origin": origin}).__enter__()
        assert denied.value.status_code == 403
    with client.websocket_connect("/ws", headers={"Origin": BASE_URL}) as ws:
        assert ws.receive_json()["type"] == "hello"
    with client.websocket_connect("/ws") as ws:  # no Origin: not a browser
        assert ws.receive_json()["type"] == "hello"


def test_a_binary_frame_closes_the_socket_and_the_server_goes_on(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_bytes(b"\x00\xff binary")
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_text()
        assert closed.value.code == 1003
    assert client.get("/api/kernel").status_code == 200


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for response in (
        client.get("/"),
        client.get("/api/pipelines"),
        anonymous(client).get("/api/pipelines"),
        client.get("/api/runs/nope"),
    ):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_the_api_reference_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200, page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "<script>" not in page.text  # no inline script: the CSP would block it


def test_an_oversize_body_gets_413_and_nothing_is_written(
    client: TestClient, workspace: Path
) -> None:
    code = workspace / "pipelines" / "seed_stream" / "A.py"
    before = code.read_bytes()
    huge = "x" * (11 * 1024 * 1024)
    response = client.put("/api/pipelines/seed_stream/blocks/A/code", json={"code": huge})
    assert response.status_code == 413
    assert "--max-body-bytes" in response.json()["error"]["message"]
    assert code.read_bytes() == before

    def chunks():  # no Content-Length: the limit is counted as the body arrives
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    streamed = client.put(
        "/api/pipelines/seed_stream/blocks/A/code",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert streamed.status_code == 413
    assert code.read_bytes() == before


def test_a_run_works_through_a_cookie_session(client: TestClient) -> None:
    """What the browser does: log in with the address, then start a run with the XSRF
    header and read it back, all without the token header."""
    browser = anonymous(client)
    browser.get(f"/?token={TOKEN}")
    browser.headers["X-XSRFToken"] = browser.cookies["_xsrf"]
    run_id = start_run(browser, "seed_stream", a_sleep=0, b_sleep=0, c_sleep=0, d_sleep=0)
    assert wait_run(client, run_id)["run"]["status"] == "succeeded"


def test_serve_options_refuse_an_open_server_and_print_the_token_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SLUICEGATE_TOKEN", raising=False)
    with pytest.raises(Exception, match=r"--no-token is refused with --host 0\.0\.0\.0"):
        security_options(ServeOptions(tmp_path, host="0.0.0.0", no_token=True))
    generated = security_options(ServeOptions(tmp_path))
    assert generated.token and len(generated.token) >= 32
    assert generated.token != security_options(ServeOptions(tmp_path)).token
    monkeypatch.setenv("SLUICEGATE_TOKEN", "from-env")
    from_env = security_options(ServeOptions(tmp_path, port=9000))
    assert address(ServeOptions(tmp_path, port=9000), from_env) == (
        "http://127.0.0.1:9000/?token=from-env"
    )
    public = ServeOptions(tmp_path, host="0.0.0.0", token="t")
    assert address(public, security_options(public)) == "http://127.0.0.1:8765/?token=t"
    assert security_options(ServeOptions(tmp_path, no_token=True)).token is None
