"""A withdrawal is not undone by another spelling of the subject's id: staff recorded and
withdrew consent as ``spk01``; the subject enrolled as ``SPK01`` opened their invitation link,
saw ``consent_withdrawn: False`` and signed again, which made a new live ``SPK01`` record and
counted the subject active again under every spelling. The records are now looked up by
``subject_fold``, as the withdrawal itself and the quotas fold ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from datamill.catalog.consent_basis import consent_facts
from datamill.collection import subject
from datamill.compliance.consent import record_consent, withdraw_consent, withdrawn_subjects
from datamill.compliance.models import User
from datamill.compliance.security_models import ConsentRecord
from datamill.core.errors import Conflict
from datamill.runtime import Runtime

from .helpers import collection_project, invite


def test_signing_as_another_spelling_after_a_withdrawal_is_refused(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "SPK01")
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        record_consent(s, pm, pid, "spk01")
        assert consent_facts(s, pid, ["SPK01"])[0]["with_consent"] == 1  # was 0
        withdraw_consent(s, pm, pid, "spk01")
    with runtime.session() as s:
        assert subject.collection_state(s, token)["consent_withdrawn"] is True
        with pytest.raises(Conflict) as refused:
            subject.give_consent(s, token, "Speaker One", version=1)
    assert refused.value.details.get("reason_code") == "consent_withdrawn"
    with runtime.session() as s:
        rows = s.execute(select(ConsentRecord.subject_id, ConsentRecord.withdrawn_at)).all()
        assert [(sid, when is not None) for sid, when in rows] == [("spk01", True)]
        assert list(withdrawn_subjects(s, pid)) == ["spk01"]
        record_consent(s, s.merge(users["pm"]), pid, "ＳＰＫ01")  # staff renew: the same record
        assert s.scalars(select(ConsentRecord.subject_id)).all() == ["spk01"]
        assert withdrawn_subjects(s, pid) == {}
