"""Batching leaves out items still split (``unresolved_items``): it read each candidate's
answers with a query of its own (and its current version with another), two statements per
split item of the project (1,000 items split 1-1 in review: 2,000 statements at every
``create_batch``). The candidates' answers are now read together."""

from __future__ import annotations

from datamill.compliance.models import User
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import create_packages
from datamill.qc.aggregating import unresolved_items
from datamill.runtime import Runtime
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project, statements


def test_the_split_items_are_found_with_one_read(runtime: Runtime,
                                                 users: dict[str, User]) -> None:
    pid = packaged_project(runtime, users.values(), 4, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for n in range(4):  # 1-1 on three items, agreed on the last
        for who in ("ann1", "ann2"):
            text = "same words" if n == 3 else f"{who} heard {n}"
            _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s, statements(runtime) as sql:
        found = unresolved_items(s, pid)
        assert len(found) == 3
        selects = [q for q in sql if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects  # was 10: the candidates, the project, 2 per candidate
