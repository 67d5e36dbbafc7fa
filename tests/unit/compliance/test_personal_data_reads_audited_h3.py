"""Helper h3 (compliance officer): reading an original transcript was audited
(``security.original_read``) but reading the consent register (the names of the people
recorded) and a collection's subject list (their demographics and signatures) left no trace:
who looked at whose personal data could not be answered. Both reads are audited now, on every
face (the API, the CLI and the web call these two services)."""

from __future__ import annotations

from sqlalchemy import select

from datamill.collection import staff
from datamill.compliance.consent import consent_register, record_consent
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from tests.unit.collection.helpers import collection_project, invite


def test_reading_personal_data_registers_is_audited(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = collection_project(runtime, users)
    invite(runtime, users, pid, "SPK01")
    with runtime.session() as s:
        record_consent(s, s.merge(users["pm"]), pid, "SPK01")
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        assert len(consent_register(s, pm, pid)["consents"]) == 1
        assert [r["subject_id"] for r in staff.list_subjects(s, pm, pid)] == ["SPK01"]
    with runtime.session() as s:
        reads = s.execute(select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.data)
                          .where(AuditRecord.action.in_(("security.consents_read",
                                                         "collection.subjects_read")))
                          .order_by(AuditRecord.id)).all()
    assert [tuple(r) for r in reads] == [
        ("security.consents_read", users["pm"].id, {"consents": 1, "flags": 0}),
        ("collection.subjects_read", users["pm"].id, {"subjects": 1})]
