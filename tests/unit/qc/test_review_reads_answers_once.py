"""The review page of a split transcript reads the item's answers once.

``split_answers`` and ``split_prefill`` each read them twice (once to find the split, once to
show it) and the version list (``list_annotations``) once more to mark the split: five reads
of every answer version of the item for one page. The page now reads them once and passes
them along (:func:`datamill.qc.aggregating.item_split`).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project, statements


def _answer_reads(sql: list[str]) -> int:
    """The statements that read an item's annotators' answers (``latest_answers``)."""
    return sum(1 for q in sql if q.lstrip().upper().startswith("SELECT")
               and "annotations.author_id IS NOT NULL" in q and "JOIN items" in q)


def test_the_split_review_page_reads_the_answers_once(runtime: Runtime,
                                                      users: dict[str, User]) -> None:
    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for who, text in (("ann1", "hello world one"), ("ann2", "hello word two")):
        _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        with statements(runtime) as sql:
            page = client.get(f"/review/{task_id}")
    assert page.status_code == 200
    assert "The editor starts from ann1&#39;s answer" in page.text  # split and pre-filled
    assert _answer_reads(sql) == 1  # was 5
