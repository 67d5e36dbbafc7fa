"""Request dependencies shared by the HTTP faces (API and web): the runtime and one session
per request.

``SessionDep`` is a unit of work: committed when the endpoint returns, rolled back when it
raises, and closed **before** the response is sent (``scope="function"``), so a client never sees
a success that was not committed. The API adds bearer-token callers (``datamill.api.deps``), the
web signed-in people (``datamill.web.routes._common``); neither face imports the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from datamill.runtime import Runtime

__all__ = ["RuntimeDep", "SessionDep", "get_runtime", "get_session"]


async def get_runtime(request: Request) -> Runtime:
    """The app's runtime (``async``: a plain attribute read needs no worker thread)."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # lifespan not run yet (or failed): nothing to serve with
        raise RuntimeError("the datamill runtime is not started")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
