"""One translator from the error tree to HTTP (STYLE 7): the status comes from the class,
the body names what is wrong and where."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from sluicegate.errors import PlanError, PreconditionFailed, SluicegateError
from sluicegate.workspace.versions import etag


def error_body(exc: SluicegateError) -> dict[str, object]:
    body: dict[str, object] = {"type": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, PlanError):
        body.update(where=exc.where, block=exc.block, field=exc.field, detail=exc.message)
    if isinstance(exc, PreconditionFailed):
        body.update(where=exc.where, version=exc.version)
    return {"error": body}


def install(app: FastAPI) -> None:
    @app.exception_handler(SluicegateError)
    async def _translate(request: Request, exc: SluicegateError) -> JSONResponse:
        headers = None
        if isinstance(exc, PreconditionFailed) and exc.version is not None:
            headers = {"ETag": etag(exc.version)}  # the version the file has now
        return JSONResponse(error_body(exc), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """A bad request body or query gets the same shape, naming the field."""
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        message = "; ".join(problems) or "invalid request"
        body = {
            "error": {
                "type": "RequestValidationError",
                "message": message,
                "field": problems[0].split(":")[0] if problems else "",
            }
        }
        return JSONResponse(body, status_code=422)
