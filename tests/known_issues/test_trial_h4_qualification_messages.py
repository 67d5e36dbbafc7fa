"""Found by a trial user: an annotator asking for a project's qualification questions before
being registered as a worker was told "only procurement or a project manager may see the
qualification test; 'bob' is an annotator", while the README says workers list the questions.
The refusal now says what they lack: registration as a worker, and who registers them."""

from __future__ import annotations

import pytest

from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.workforce.qualification import qualification_questions
from tests.unit.production.helpers import packaged_project


def test_a_non_worker_is_told_to_get_registered(runtime: Runtime, users: dict[str, User]) -> None:
    pid = packaged_project(runtime, users.values(), 1, name="qual-questions")
    with runtime.session() as s:
        with pytest.raises(Forbidden, match="not registered as a worker") as err:
            qualification_questions(s, users["ann1"], pid)
        assert "worker-add ann1" in err.value.message
        assert err.value.details["reason_code"] == "not_a_worker"
