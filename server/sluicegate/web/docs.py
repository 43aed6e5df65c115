"""The API reference at /docs: Swagger UI from files the build copies into static/dist/swagger
(no CDN, so it works offline and under the Content-Security-Policy)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from sluicegate.web.pages import STATIC

router = APIRouter(include_in_schema=False)
SWAGGER = STATIC / "dist" / "swagger"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sluicegate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/dist/swagger/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/static/dist/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>
"""

_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sluicegate API</title></head><body>
<h1>The API reference is not built</h1>
<p>Run <code>make setup</code> (it copies Swagger UI into the package), then reload.
The machine-readable description is at <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>
"""


@router.get("/docs", response_class=HTMLResponse)
async def api_docs() -> HTMLResponse:
    built = (SWAGGER / "swagger-ui-bundle.js").is_file()
    return HTMLResponse(_PAGE if built else _MISSING, status_code=200 if built else 503)
