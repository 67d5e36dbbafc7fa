"""Messages name a person's role with the right article ("an annotator", not "a annotator")."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.compliance.roles import ROLE_NAMES, Role, role_with_article
from datamill.core.errors import Forbidden, InvalidInput
from datamill.production.tasks import assign_package, create_packages
from datamill.runtime import Runtime
from datamill.workforce.policies import require_business
from datamill.workforce.throughput import report_scope
from tests.unit.production.helpers import ready_project


@pytest.mark.parametrize(("role", "phrase"), [
    ("annotator", "an annotator"), ("admin", "an administrator"),
    ("inspector", "an inspector"), ("auditor", "an auditor"),
    ("reviewer", "a reviewer"), ("project_manager", "a project manager"),
    ("vendor_worker", "a vendor worker"), ("procurement", "a procurement officer"),
    ("some_future_role", "a some future role"), ("old_role", "an old role"),
])
def test_role_with_article(role: str, phrase: str) -> None:
    assert role_with_article(role) == phrase


def test_every_role_has_a_human_name() -> None:
    assert set(ROLE_NAMES) == set(Role)


def test_refusals_use_the_article(runtime: Runtime, users: dict[str, User],
                                  tmp_path: Path) -> None:
    with pytest.raises(Forbidden, match=r"'ann1' is an annotator$"):
        require_business(users["ann1"], "list suppliers")
    with pytest.raises(Forbidden, match=r"'insp' is an inspector$"):
        require_business(users["insp"], "list suppliers", read=True)
    with runtime.session() as s, pytest.raises(Forbidden, match=r"'ann1' is an annotator$"):
        report_scope(s, users["ann1"])
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        pkg = create_packages(s, pid, "annotate")[0]
        with pytest.raises(InvalidInput, match="'insp' is an inspector; package"):
            assign_package(s, pkg.id, users["insp"])
