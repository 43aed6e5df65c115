"""The icon: every page links /favicon.ico and the server answers it (no 404 in any page's
console), with or without the token, like the bundle under /static/; nothing else becomes
public with it."""

from __future__ import annotations

import re

from api_helpers import BASE_URL, LoopbackClient
from fastapi.testclient import TestClient

PAGES = ["/", "/runs", "/pipelines/seed_stream", "/runs/some-run"]


def test_every_page_links_the_icon_and_it_is_served(client: TestClient) -> None:
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        links = re.findall(r'<link rel="icon" href="([^"]+)"', page.text)
        assert links == ["/favicon.ico"], (path, links)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg") and "</svg>" in icon.text


def test_the_icon_needs_no_token_but_pages_still_do(client: TestClient) -> None:
    anonymous = LoopbackClient(client.app, base_url=BASE_URL)
    icon = anonymous.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    # The security headers apply to it as to every response.
    assert icon.headers["x-content-type-options"] == "nosniff"
    # Public is the icon only: a page or an API route beside it still asks for the token.
    assert anonymous.get("/favicon.ico/../api/pipelines").status_code == 401
    assert anonymous.get("/api/pipelines").status_code == 401
    assert "token" in anonymous.get("/runs").text.lower()
