"""What routes get from the app: the session, the history engine, the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from sluicegate.session.manager import Session


def get_session(request: Request) -> Session:
    session: Session = request.app.state.session
    return session


def get_workspace(request: Request) -> Path:
    workspace: Path = request.app.state.workspace
    return workspace


def get_engine(request: Request) -> Any:
    return request.app.state.session.history.engine


SessionDep = Annotated[Session, Depends(get_session)]
WorkspaceDep = Annotated[Path, Depends(get_workspace)]
EngineDep = Annotated[Any, Depends(get_engine)]
