"""The app factory: one workspace, one session (kernel process, history, live fan-out)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import sluicegate
from sluicegate.session.manager import Session
from sluicegate.web import docs, errors, pages, ws
from sluicegate.web.routes import (
    blocks,
    cells,
    layout,
    outputs,
    pipelines,
    runs,
    settings,
    telemetry,
)
from sluicegate.web.security import SecurityMiddleware, SecurityOptions, generate_token
from sluicegate.workspace import DEFAULT_LIBRARY, WorkspaceChange, WorkspaceEditor, watch_workspace


def create_app(
    workspace: Path,
    *,
    token: str | None = None,
    security: SecurityOptions | None = None,
    db_url: str | None = None,
    watch: bool = True,
) -> FastAPI:
    """The web app for `workspace`. The kernel process starts with the app (lifespan).

    Every request needs `token` (a random one when not given; read it back from
    `app.state.security.token`); `security` sets all the access rules at once instead."""
    workspace = workspace.resolve()
    if security is None:
        security = SecurityOptions(token=token or generate_token())

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        session = Session(workspace, db_url=db_url)
        app.state.session = session
        await session.start()
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch(workspace, session, stop)) if watch else None
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await watcher
            await session.stop()

    app = FastAPI(
        title="Sluicegate",
        version=sluicegate.__version__,
        description="Design data pipelines as Python blocks, run them in stream mode, "
        "watch them live.",
        lifespan=lifespan,
        docs_url=None,  # served by web/docs.py from local files: /docs works offline
        redoc_url=None,
    )
    app.state.workspace = workspace
    app.state.security = security
    app.state.editor = WorkspaceEditor(workspace, library=DEFAULT_LIBRARY)
    errors.install(app)
    for router in (
        pipelines.router,
        settings.router,
        blocks.router,
        cells.router,
        runs.router,
        outputs.router,
        layout.router,
        telemetry.router,
        ws.router,
        docs.router,
        pages.router,
    ):
        app.include_router(router)
    pages.STATIC.mkdir(parents=True, exist_ok=True)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    app.add_middleware(SecurityMiddleware, options=security)
    return app


async def _watch(workspace: Path, session: Session, stop: asyncio.Event) -> None:
    def on_change(change: WorkspaceChange) -> None:
        data = change.as_dict()
        data["change"] = data.pop("kind")
        session.publish_change(data)

    await watch_workspace(workspace, on_change, stop_event=stop)
