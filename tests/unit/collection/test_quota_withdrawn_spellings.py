"""A subject who withdrew consent counts toward no quota cell under any spelling of their id:
a vendor's ``SPK01`` withdrew, and the items delivered as ``spk01`` and full-width ``ＳＰＫ０１``
(one person, as consent withdrawal and deliveries fold ids) kept counting (2 speakers -> 1)."""

from __future__ import annotations

from datamill.collection.quotas import quota_progress
from datamill.compliance.consent import record_consent, withdraw_consent
from datamill.production.importing import import_source
from datamill.production.projects import create_project

from .helpers import collect_spec
from .test_quota_speaker_ids import _deliver


def test_a_withdrawn_subject_counts_under_no_spelling(runtime, users, tmp_path):
    cells = [{"name": "women", "gender": "female", "speakers": 5}]
    with runtime.session() as s:
        pid = create_project(s, collect_spec(cells=cells, age_bands=[])).id
        import_source(s, runtime.blobs, pid,
                      _deliver(tmp_path, "a", ["SPK01", "spk01", "ＳＰＫ０１ ", "SPK02"], 0),
                      supplier_vendor_id=7)
        assert quota_progress(s, pid)["cells"][0]["counted"]["speakers"] == 2
        admin = s.merge(users["admin"])
        record_consent(s, admin, pid, "SPK01")
        withdraw_consent(s, admin, pid, "SPK01")
        counted = quota_progress(s, pid)["cells"][0]["counted"]
    assert counted["speakers"] == 1 and counted["items"] == 1, counted


def test_the_subjects_listing_shows_a_withdrawal_under_any_spelling(runtime, users):
    """Enrolled as ``SPK01``, consent withdrawn as ``ｓｐｋ01``: the subjects listing said
    ``consent_withdrawn_at: None`` (looked up by the exact spelling)."""
    from datamill.collection import staff

    from .helpers import collection_project

    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        staff.create_invite(s, pm, pid, "SPK01")
        staff.create_invite(s, pm, pid, "SPK02")
        record_consent(s, pm, pid, "ｓｐｋ01 ")
        withdraw_consent(s, pm, pid, "ｓｐｋ01 ")
        rows = {r["subject_id"]: r for r in staff.list_subjects(s, pm, pid)}
    assert rows["SPK01"]["consent_withdrawn_at"] is not None, rows["SPK01"]
    assert rows["SPK02"]["consent_withdrawn_at"] is None
