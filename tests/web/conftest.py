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

import pg_support  # tests/pg_support.py

# The modules that exercise run history run twice: on SQLite, then on a real Postgres server
# (tests/pg_support.py), every test (and every module-wide fixture) with a new database
# named by $SLUICEGATE_DATABASE_URL, which the server reads when no --database-url is given.
ON_EVERY_DATABASE = {"test_runs_api", "test_run_history_api", "test_run_logs", "test_cells"}
NOT_ABOUT_THE_DATABASE = {"test_a_child_printing_100_mb_leaves_the_server_alone"}
URL_ENV = "SLUICEGATE_DATABASE_URL"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    name = metafunc.definition.name
    if metafunc.module.__name__ in ON_EVERY_DATABASE and name not in NOT_ABOUT_THE_DATABASE:
        backends = ["sqlite", "postgres"]
        metafunc.parametrize("database_backend", backends, indirect=True, scope="module")


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_support.PostgresCluster]:
    yield pg_support.cluster()
    pg_support.stop_cluster()


@pytest.fixture(scope="module", autouse=True)
def database_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """`sqlite` (the workspace's file), or `postgres`: a new database for the module."""
    backend: str = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield backend
        return
    cluster: pg_support.PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.new_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_ENV, url)
        yield backend
    cluster.drop_database(url)


@pytest.fixture(autouse=True)
def database_per_test(database_backend: str, request: pytest.FixtureRequest) -> Iterator[None]:
    if database_backend == "sqlite":
        yield
        return
    cluster: pg_support.PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.new_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_ENV, url)
        yield
    cluster.drop_database(url)


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
