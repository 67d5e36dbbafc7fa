"""Trial h3: two transcribers of one utterance who disagree reach the reviewer as a split.

Speech had no aggregation: under overlap 2 the last submission became the item's current
version ("hello word two"), the first transcriber's "hello world one" was nowhere on the review
page, and the reviewer's accept went through. Now the transcript is the item's question: 1-1 is
a split at confidence 0.5, the accept is refused until an edit decides it, and the review page
shows both transcripts ("Transcript" / "转写文本"). Transcribers who agree (spacing aside)
merge at confidence 1.0. A dataset-level method (Dawid-Skene, GLAD) leaves a free-text split
to the reviewer: over every distinct transcript of a project its confusion matrices were
(texts)^2 per worker (3,000 items: 34 s, 1.7 GB), and a 1-1 came out alphabetical; and the
agreement report leaves transcripts to its character-accuracy pair scores (Krippendorff's
alpha over 1,000 items' distinct texts was killed for memory).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.annotating import review_task
from datamill.production.models import Annotation, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import aggregate_project
from datamill.qc.agreement_report import project_agreement
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.known_issues.test_trial_ner_overlap_qc import _u
from tests.unit.production.helpers import packaged_project


def _current(runtime: Runtime, pid: int) -> tuple[str | None, float | None, str]:
    with runtime.session() as s:
        item = s.query(Item).filter_by(project_id=pid).one()
        current = s.get(Annotation, item.current_annotation_id)
        assert current is not None
        return current.kind, current.confidence, current.payload[0]["text"]


def test_two_transcripts_wait_for_the_reviewer(runtime: Runtime,
                                               users: dict[str, User]) -> None:
    from tests.known_issues._web import web_login

    pid = packaged_project(runtime, users.values(), 2, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for who, text in (("ann1", "hello world one"), ("ann2", "hello word two"),
                      ("ann1", "good  morning"), ("ann2", "good morning ")):
        _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s:
        items = s.query(Item).filter_by(project_id=pid).order_by(Item.id).all()
        confidences = [s.get(Annotation, i.current_annotation_id).confidence  # type: ignore[union-attr]
                       for i in items]
    assert confidences == [0.5, 1.0]  # were None, None: the last submission, unweighed
    with runtime.session() as s:
        task = claim_next_task(s, _u(s, users["rev"]), pid, "review")
        assert task is not None and task.item_id == items[0].id
        task_id = task.id
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, _u(s, users["rev"]), task_id, "accept")  # was accepted
        assert err.value.details["split"] == {
            "transcript": {"hello word two": 1, "hello world one": 1}}
    with runtime.session() as s:  # transcripts are no categorical units of agreement
        agreement = project_agreement(s, pid)
        assert agreement["units"] == 0  # was 2: alpha over every distinct text (OOM at 1,000)
        assert agreement["scores"]["metric"] == "character_accuracy"  # the pair scores measure
    with runtime.session() as s:  # a dataset-level method does not read two texts better
        report = aggregate_project(s, pid, method="dawid_skene")
        assert report.unresolved == [items[0].id]  # was []: decided by the alphabet
        with pytest.raises(Conflict, match="split with no majority"):
            review_task(s, _u(s, users["rev"]), task_id, "accept")
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert '<td>Transcript</td>' in page  # side by side (h15), differences marked
        assert '>hello <mark class="first" data-testid="split-diff">world one</mark>' in page
        assert '>hello <mark class="other" data-testid="split-diff">word two</mark>' in page
        client.cookies.set("lang", "zh-CN")
        assert '<td>转写文本</td>' in client.get(f"/review/{task_id}").text
