"""Trial: the web had no way to reset a collection subject's locked demographics, though the API
(``POST /api/v1/collect/projects/{id}/subjects/reset-demographics``) and the CLI had one.

The project dashboard now links a subjects page for those who manage the project; each subject
who answered and has not recorded has a reset button, which asks for confirmation first; the
reset is a CSRF-checked form post, refused (403) to whoever the API refuses, refused (409, said
in the page's language) once the subject has recorded, and audited; the subject then answers
again on their page. en and zh-CN.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.collection import subject
from datamill.collection.models import CollectionSubject
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from tests._tools import require_tool
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech


def _answered(rt: Runtime, token: str, gender: str = "female") -> None:
    with rt.session() as s:
        subject.give_consent(s, token, "Ada Lovelace", version=1)
        subject.set_demographics(s, token, gender=gender, age=30, accent="midwest")


def _demographics(rt: Runtime, pid: int, sid: str) -> dict[str, object]:
    with rt.session() as s:
        row = s.scalars(select(CollectionSubject).where(
            CollectionSubject.project_id == pid, CollectionSubject.subject_id == sid)).one()
        return dict(row.demographics or {})


def _csrf(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m, page
    return m.group(1)


def test_a_manager_resets_a_subjects_answers_on_the_web(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = collection_project(runtime, users)
    fresh, recorded = invite(runtime, users, pid, "spk-a"), invite(runtime, users, pid, "spk-b")
    _answered(runtime, fresh)
    _answered(runtime, recorded, "other")  # the young women's cell takes one speaker
    app = create_app(runtime)

    pm = TestClient(app)
    web_login(pm, "pm")
    assert f'href="/projects/{pid}/subjects"' in pm.get(f"/projects/{pid}").text
    page = pm.get(f"/projects/{pid}/subjects")
    assert page.status_code == 200, page.text  # before: 404, no such page
    assert page.text.count('data-testid="subj-reset"') == 2
    assert 'data-testid="subj-reset-form"' not in page.text  # nothing posts without confirming
    ask = pm.get(f"/projects/{pid}/subjects", params={"confirm": "spk-a"})
    assert 'data-testid="subj-confirm"' in ask.text and "spk-a" in ask.text
    assert "Gender: female" in ask.text  # what will be cleared, in the page's words
    form = {"subject_id": "spk-a"}
    url = f"/projects/{pid}/subjects/reset-demographics"
    assert pm.post(url, data=form, follow_redirects=False).status_code == 403  # no CSRF token
    assert _demographics(runtime, pid, "spk-a")
    done = pm.post(url, data={**form, "csrf_token": _csrf(ask.text)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    after = pm.get(done.headers["location"])
    assert 'data-testid="subj-done"' in after.text and "spk-a" in after.text
    assert _demographics(runtime, pid, "spk-a") == {}
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "collection.demographics_reset")).one()
        assert audit.actor_id == users["pm"].id and audit.data["demographics"]["gender"] == "female"
        assert subject.collection_state(s, fresh)["demographics"] in (None, {})

    # someone the API refuses (an annotator, a member of the project) gets 403 and changes nothing
    ann = TestClient(app)
    web_login(ann, "ann1")
    assert ann.get(f"/projects/{pid}/subjects").status_code == 403
    assert 'data-testid="subjects-link"' not in ann.get(f"/projects/{pid}").text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', ann.get("/").text)
    assert csrf
    refused = ann.post(url, data={"subject_id": "spk-b", "csrf_token": csrf.group(1)},
                       follow_redirects=False)
    assert refused.status_code == 403, refused.text
    assert _demographics(runtime, pid, "spk-b")


def test_a_subject_who_recorded_keeps_their_answers(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    if not espeak_available():  # the recording is synthesised speech
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-b")
    _answered(runtime, token)
    with runtime.session() as s:
        prompt_id = subject.collection_state(s, token)["prompts"][0]["id"]
        subject.upload_recording(s, runtime.blobs, token, prompt_id,
                                 speech(tmp_path, PROMPTS[0], "b0.wav"))
    pm = TestClient(create_app(runtime))
    pm.cookies.set("lang", "zh-CN")
    web_login(pm, "pm")
    page = pm.get(f"/projects/{pid}/subjects")
    assert 'data-testid="subj-reset"' not in page.text  # no button: it has recorded
    assert "已录音" in visible_text_nodes(page.text)
    assert "被采集人" in page.text and "Collection subjects" not in page.text
    # the answers in the page's words (trial 15: "accent：…；age：28；gender：female")
    assert "籍贯或口音：midwest；年龄：30；性别：女" in page.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert csrf
    got = pm.post(f"/projects/{pid}/subjects/reset-demographics",
                  data={"subject_id": "spk-b", "csrf_token": csrf.group(1)},
                  follow_redirects=False)
    assert got.status_code == 409, got.text
    assert "未能重置：该被采集人已经录音" in got.text  # full-width colon, the page's language
    assert _demographics(runtime, pid, "spk-b")["gender"] == "female"

