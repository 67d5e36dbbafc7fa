"""Found by a fresh-clone trial user: a data-security officer short of clearance was told to
"ask the data-security office for clearance first", the office they are part of. A refusal now
says what the reader can do: an officer is cleared by another officer or an admin, an admin
raises their own clearance, anyone else asks the office (as before)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.item_sensitivity import require_cleared_for
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Forbidden
from datamill.production.models import Batch, Delivery
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import spec

OFFICER = "another data-security officer or an admin clears 'dso' for 'secret' first"
ADMIN = "as an admin, 'admin' may raise their own clearance to 'secret' first"
OTHERS = "the data-security office (an admin or a data-security officer) clears 'pm'"


def _u(s: Session, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_an_officer_is_not_sent_to_their_own_office(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        pid = create_project(s, spec(name="wording")).id
        add_member(s, pid, _u(s, "pm"), actor_id=None)
    with runtime.session() as s:
        with pytest.raises(Forbidden) as officer:
            set_classification(s, _u(s, "dso"), pid, "secret")
        assert OFFICER in officer.value.message
        assert "ask the data-security office" not in officer.value.message
        with pytest.raises(Forbidden) as pm:  # a project manager still asks the office
            set_classification(s, _u(s, "pm"), pid, "secret")
        assert "the data-security office (an admin or a data-security officer) clears 'pm'" \
            in pm.value.message
        for name, says in (("dso", OFFICER), ("admin", ADMIN), ("pm", OTHERS)):
            with pytest.raises(Forbidden) as refused:
                require_cleared_for(s, _u(s, name), "secret", "delivery 4")
            assert says in refused.value.message, refused.value.message
        # what the admin is told works: they raise their own clearance
        set_clearance(s, _u(s, "admin"), _u(s, "admin").id, "secret")
        require_cleared_for(s, _u(s, "admin"), "secret", "delivery 4")


def test_the_deliveries_page_tells_an_admin_to_raise_their_own(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """An admin (of the office) short of a package's level was told the office "can clear
    you"; the page now says they can raise their own clearance."""
    with runtime.session() as s:
        pid = create_project(s, spec(name="withheld")).id
        add_member(s, pid, _u(s, "pm"), actor_id=None)
        set_classification(s, _u(s, "admin"), pid, "secret")
        batch = Batch(project_id=pid, name="b1")
        s.add(batch)
        s.flush()
        s.add(Delivery(project_id=pid, batch_id=batch.id, path=str(tmp_path / "pkg")))
    for lang, says in (("en", "as an admin, you can raise your own clearance"),
                       ("zh-CN", "您是管理员，可在安全页面自行提升您的许可级别")):
        with TestClient(create_app(runtime)) as c:
            web_login(c, "admin")
            page = c.get(f"/projects/{pid}/deliveries", headers={"Accept-Language": lang})
            assert page.status_code == 200, page.text[-500:]
            assert 'data-testid="dlv-withheld"' in page.text
            assert says in html.unescape(page.text)
            assert "data-security office" not in page.text
