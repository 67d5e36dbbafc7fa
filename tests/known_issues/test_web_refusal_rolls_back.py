"""A page route that refuses after writing must write nothing, as an API route does.

``HtmlRoute`` answers a domain error with an error page itself, so no exception reached the
request's session (``http_deps.get_session``), which then committed what the route had
written before refusing: a review refused 409 ``review_stale`` after its task was taken left
the task taken and unreviewed, so the reviewer's reload said "already submitted" and the item
was stuck. The face now marks the request refused and the session rolls back."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.http_deps import SessionDep
from datamill.runtime import Runtime
from datamill.web.routes._common import HtmlRoute


def test_a_page_refused_after_a_write_keeps_nothing(runtime: Runtime) -> None:
    router = APIRouter(route_class=HtmlRoute)

    @router.post("/write-then-refuse")
    def write_then_refuse(session: SessionDep) -> None:
        session.add(User(username="half-written", role="annotator", password_hash="x"))
        session.flush()
        raise Conflict("refused after a write", reason_code="review_stale")

    @router.post("/write")
    def write(session: SessionDep) -> dict[str, bool]:
        session.add(User(username="written", role="annotator", password_hash="x"))
        return {"ok": True}

    app = FastAPI()
    app.state.runtime = runtime
    app.include_router(router)
    with TestClient(app) as client:
        assert client.post("/write-then-refuse").status_code == 409
        assert client.post("/write").status_code == 200
    with runtime.session() as s:
        names = set(s.scalars(select(User.username)))
        assert "half-written" not in names  # committed before the fix
        assert "written" in names  # a success still commits
        assert s.scalar(select(func.count()).select_from(User).where(
            User.username == "half-written")) == 0
