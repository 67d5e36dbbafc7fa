"""A workforce action on a project says why it is refused: not a member (and how to become
one), or not cleared for a classified project (it said "not a member" for both)."""

from __future__ import annotations

import pytest

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import Forbidden
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.workforce.policies import require_project_business
from tests.unit.production.helpers import spec


def test_the_refusal_names_its_reason(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec(name="refusals")).id
        with pytest.raises(Forbidden) as outsider:
            require_project_business(s, users["pm"], pid, "assign its packages")
        assert outsider.value.message == (
            f"'pm' is not a member of project {pid}; a project manager adds them (datamill "
            f"project add-member, POST /api/v1/projects/{pid}/members): may not assign its "
            "packages")
        add_member(s, pid, users["pm"], actor_id=None)
        set_classification(s, users["admin"], pid, "secret")
        with pytest.raises(Forbidden) as uncleared:
            require_project_business(s, users["pm"], pid, "assign its packages")
        assert uncleared.value.message == (
            f"'pm' is not cleared for project {pid}: may not assign its packages")
