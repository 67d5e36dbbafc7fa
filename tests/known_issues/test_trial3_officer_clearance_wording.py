"""Found by a fresh-clone trial user: a data-security officer short of clearance was told to
"ask the data-security office for clearance first", the office they are part of. A refusal now
says what the reader can do: an officer is cleared by another officer or an admin, an admin
raises their own clearance, anyone else asks the office (as before)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.item_sensitivity import require_cleared_for
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Forbidden
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.web.i18n import translator
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


@pytest.mark.parametrize("key", ["dlv.withheld.clearance_officer", "dlv.withheld.clearance_admin"])
def test_the_delivery_page_words_it_for_officers_and_admins(key: str) -> None:
    for lang in ("en", "zh-CN"):
        text = translator(lang)(key)
        assert text != key and "data-security office (" not in text
