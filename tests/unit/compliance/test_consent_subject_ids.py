"""A consent record's subject id and scope hold no control characters or invisible direction
marks: the id names the items' speaker (which imports refuse them in), so such a record could
never match an item, and it printed raw into the terminal that lists consents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from datamill.compliance.consent import record_consent, record_subject_consent
from datamill.compliance.models import User
from datamill.compliance.security_models import ConsentRecord
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from tests.unit.compliance._security_world import make_project


@pytest.mark.parametrize("bad", ["spk\x1b[31m1", "spk\u202e1", "spk\n1", "spk\t1"])
def test_hidden_characters_are_refused(
    runtime: Runtime, users: dict[str, User], bad: str
) -> None:
    with runtime.session() as s:
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        pid, _ = make_project(s, "consent-ids", [pm], [{"subject_id": "spk1"}])
        with pytest.raises(InvalidInput, match="control characters"):
            record_consent(s, pm, pid, bad)
        with pytest.raises(InvalidInput, match="control characters"):
            record_consent(s, pm, pid, "spk1", scope=bad)
        with pytest.raises(InvalidInput, match="control characters"):
            record_subject_consent(s, pid, bad)
        record_consent(s, pm, pid, " 张伟·spk1 ")  # ordinary text, stripped
        assert s.scalars(select(ConsentRecord.subject_id)).all() == ["张伟·spk1"]
