"""`sluicegate serve`: the access rules from the command line, the address to open, uvicorn."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import sluicegate
from sluicegate.errors import UsageError
from sluicegate.web.security import (
    DEFAULT_MAX_BODY_BYTES,
    TOKEN_ENV,
    SecurityOptions,
    generate_token,
    is_loopback,
)


@dataclass(frozen=True)
class ServeOptions:
    workspace: Path
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    no_token: bool = False
    allow_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    database_url: str | None = None
    watch: bool = True


def security_options(opts: ServeOptions) -> SecurityOptions:
    """The rules for `opts`; UsageError for combinations that would leave the server open."""
    if opts.no_token and opts.token:
        raise UsageError("--no-token and --token exclude each other; pass one of them")
    if opts.no_token and not is_loopback(opts.host):
        raise UsageError(
            f"--no-token is refused with --host {opts.host}: anyone who reaches that address "
            "could run code on this machine; drop --no-token (the token is printed) or bind "
            "127.0.0.1"
        )
    if opts.max_body_bytes < 1024:
        raise UsageError(f"--max-body-bytes {opts.max_body_bytes} is too small (at least 1024)")
    token = None if opts.no_token else (opts.token or os.environ.get(TOKEN_ENV) or generate_token())
    return SecurityOptions(
        token=token,
        bind_host=opts.host,
        allow_hosts=frozenset(h.strip().lower().strip("[]") for h in opts.allow_hosts),
        allow_origins=frozenset(o.strip().rstrip("/") for o in opts.allow_origins),
        max_body_bytes=opts.max_body_bytes,
    )


def address(opts: ServeOptions, security: SecurityOptions) -> str:
    """The address to open: the token in the query logs the browser in once."""
    host = opts.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    query = f"?token={security.token}" if security.token else ""
    return f"http://{host}:{opts.port}/{query}"


def serve(opts: ServeOptions) -> int:
    import uvicorn

    from sluicegate.store.history import upgrade_database
    from sluicegate.web.app import create_app

    security = security_options(opts)
    upgrade_database(opts.database_url, opts.workspace)  # a database it cannot use stops here
    app = create_app(opts.workspace, security=security, db_url=opts.database_url, watch=opts.watch)
    print(f"Sluicegate {sluicegate.__version__} serving {opts.workspace}")
    if security.token is None:
        print(
            "warning: --no-token: any program or web page on this machine that reaches "
            f"{opts.host}:{opts.port} can run code as you",
            file=sys.stderr,
        )
    if not is_loopback(opts.host):
        print(
            f"warning: listening on {opts.host}, beyond this machine: the token is the only "
            "protection and the connection is not encrypted (no TLS); put a TLS proxy in "
            "front for anything but a trusted network",
            file=sys.stderr,
        )
    print(f"open {address(opts, security)} in your browser (API docs at /docs); Ctrl-C stops")
    sys.stdout.flush()
    uvicorn.run(app, host=opts.host, port=opts.port, log_level="warning")
    return 0
