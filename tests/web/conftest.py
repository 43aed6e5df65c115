"""API and websocket tier (STYLE 9): the FastAPI app with its kernel child process, driven
through TestClient as a browser would drive it.

Every test gets its own workspace: a copy of `examples/` plus the pipelines of
`tests/web/fixtures/pipelines/`. The TestClient is always used as a context manager, so the
app's lifespan starts the kernel process and stops it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import LiveSocket, live_socket, make_workspace, open_client
from fastapi.testclient import TestClient


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def client(workspace: Path) -> Iterator[TestClient]:
    with open_client(workspace, watch=True) as client:
        yield client


@pytest.fixture
def live(client: TestClient) -> Iterator[LiveSocket]:
    """A websocket on `client`'s /ws, read on a helper thread."""
    with live_socket(client) as socket:
        yield socket
