"""Page shells rendered with Jinja2; the bundle (frontend/, built into static/dist) does the
rest. Pages: the workspace home, the pipeline editor, run history and the run view; and the
icon every page links (public like /static/: the security middleware lets /favicon.ico
through without the token, as Jupyter serves its static files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

import sluicegate

HERE = Path(__file__).parent
STATIC = HERE / "static"
BUNDLE = STATIC / "dist" / "app.js"
FAVICON = STATIC / "favicon.svg"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


def _page(request: Request, page: str, title: str, **data: Any) -> HTMLResponse:
    bundle = BUNDLE.is_file()
    version = int(BUNDLE.stat().st_mtime) if bundle else 0
    context = {
        "page": page,
        "title": title,
        "data": {"page": page, **data},
        "bundle": bundle,
        "version": version,
        "sluicegate_version": sluicegate.__version__,
        "workspace": request.app.state.workspace.name,
    }
    return templates.TemplateResponse(request, "page.html", context)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return _page(request, "home", "Workspace")


@router.get("/pipelines/{name}", response_class=HTMLResponse)
async def editor(request: Request, name: str) -> HTMLResponse:
    return _page(request, "editor", name, pipeline=name)


@router.get("/runs", response_class=HTMLResponse)
async def history(request: Request) -> HTMLResponse:
    return _page(request, "runs", "Run history")


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_view(request: Request, run_id: str) -> HTMLResponse:
    return _page(request, "run", run_id, run_id=run_id)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """The SVG icon (browsers ask for /favicon.ico whatever a page links)."""
    return Response(
        FAVICON.read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
