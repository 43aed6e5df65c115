"""One translator from the error tree to HTTP (STYLE 7): the status comes from the class,
the body names what is wrong and where."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sluicegate.errors import PlanError, SluicegateError


def error_body(exc: SluicegateError) -> dict[str, object]:
    body: dict[str, object] = {"type": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, PlanError):
        body.update(where=exc.where, block=exc.block, field=exc.field, detail=exc.message)
    return {"error": body}


def install(app: FastAPI) -> None:
    @app.exception_handler(SluicegateError)
    async def _translate(request: Request, exc: SluicegateError) -> JSONResponse:
        return JSONResponse(error_body(exc), status_code=exc.status)
