"""History tests run on every database backend: SQLite (a file in the test's workspace) and
a real Postgres cluster that the session starts once (`tests/pg_support.py`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import pg_support  # tests/pg_support.py

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "web"))  # api_helpers


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_support.PostgresCluster]:
    yield pg_support.cluster()
    pg_support.stop_cluster()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty history database: a SQLite file, or a new Postgres database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    cluster: pg_support.PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)
