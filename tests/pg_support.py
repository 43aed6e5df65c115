"""A throwaway Postgres cluster for the tests: Debian's `postgresql` binaries, a data folder
in a temporary directory, a free port on 127.0.0.1, a password, stopped at the session's end.

    cluster = PostgresCluster.start()      # initdb + pg_ctl start (about 1-2 s)
    url = cluster.new_database()           # postgresql+psycopg://... of a fresh database
    cluster.drop_database(url)
    cluster.stop()

initdb and the server refuse to run as root: as root they run as the `postgres` user that
Debian's package makes (`runuser`). `make test` installs the package (`make postgres`); when
it is missing, the tests that need it are skipped, unless SLUICEGATE_TEST_POSTGRES=required
(as under `make test`), where they fail.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REQUIRED = os.environ.get("SLUICEGATE_TEST_POSTGRES") == "required"
HOW = "install Debian's postgresql (`make postgres`)"


def bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresCluster:
    def __init__(self, bin_: Path, root: Path, port: int, password: str) -> None:
        self.bin, self.root, self.port, self.password = bin_, root, port, password
        self.data = root / "data"
        self.user = "sluicegate"
        self._names = itertools.count(1)
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            self._run_as = ["runuser", "-u", "postgres", "--"]

    @classmethod
    def start(cls) -> PostgresCluster:
        bin_ = bindir()
        if bin_ is None:
            message = f"Postgres tests need initdb and pg_ctl: {HOW}"
            if REQUIRED:
                pytest.fail(message)
            pytest.skip(message)
        root = Path(tempfile.mkdtemp(prefix="sluicegate-pg-"))
        cluster = cls(bin_, root, _free_port(), secrets.token_hex(12))
        try:
            cluster._init()
            cluster._start()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _as_server(self, *args: str) -> None:
        subprocess.run(
            [*self._run_as, *args], check=True, capture_output=True, text=True, timeout=60
        )

    def _init(self) -> None:
        if self._run_as:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "initdb refuses to run as root and there is no `postgres` user to run it "
                    f"as: {HOW}, which makes one, or run the tests as another user"
                ) from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        secret = self.root / "pw"
        secret.write_text(self.password + "\n")
        secret.chmod(0o644)
        self._as_server(
            str(self.bin / "initdb"),
            f"--pgdata={self.data}",
            f"--username={self.user}",
            f"--pwfile={secret}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        secret.unlink()

    def _start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        log = self.root / "server.log"
        self._as_server(
            str(self.bin / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data),
            "-l", str(log), "-o", options,
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database of this cluster."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of `url` (a new_database), closing what still uses it: each
        one takes about 8 MB of the temporary folder."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres"
        with psycopg.connect(conninfo, password=self.password, autocommit=True) as conn:
            conn.execute(sql.encode())

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._as_server(str(self.bin / "pg_ctl"), "stop", "-m", "immediate", "-w",
                                "-D", str(self.data))  # fmt: skip
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: PostgresCluster | None = None


def cluster() -> PostgresCluster:
    """The session's cluster, started on first use (every conftest shares it)."""
    global _cluster
    if _cluster is None:
        _cluster = PostgresCluster.start()
    return _cluster


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None
