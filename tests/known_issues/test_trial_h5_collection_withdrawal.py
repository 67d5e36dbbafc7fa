"""Found by a trial user of a speech collection project (SQLite and PostgreSQL):

- H1: a subject who withdrew consent kept their quota place: ``collect quotas`` still showed
  the cell full, and a replacement was refused (409 ``cell_full``). Withdrawn subjects now count
  toward no cell (speakers, items, enrolment), and the subjects listing (CLI, API, web) says so.
- M1: signing again on the old invitation link after a withdrawal set ``withdrawn_at`` back to
  null and overwrote ``given_at``. Now refused (409 ``consent_withdrawn``, worded en + zh-CN);
  the record keeps both times.
- M5: ``collect invite`` took ids as ``a b``, ``../../evil``, ``bad/id`` (``a b`` was delivered
  as ``a_b``, another subject's id). Refused now, as the speech import refuses them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.collection import staff, subject
from datamill.collection.quotas import quota_progress
from datamill.compliance.consent import withdraw_consent
from datamill.compliance.models import User
from datamill.compliance.security_models import ConsentRecord
from datamill.core.errors import Conflict, InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from tests._api import API, login
from tests._cli import run_cli
from tests._tools import require_tool
from tests.known_issues._web import web_login
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _cli(runtime: Runtime, *args: str, ok: bool = True) -> str:
    r = run_cli(runtime.settings.home, *args, ok=ok,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.stdout


def _women(progress: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in progress["cells"] if c["label"] == "young women")


def test_a_withdrawn_subject_frees_their_quota_place(
    runtime: Runtime, users: dict[str, User], client: TestClient, tmp_path: Path,
) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)  # "young women": 1 speaker
    first, second = invite(runtime, users, pid, "w1"), invite(runtime, users, pid, "w2")
    with runtime.session() as s:
        subject.give_consent(s, first, "First Woman", version=1)
        state = subject.set_demographics(s, first, gender="female", age=22)
        took = subject.upload_recording(s, runtime.blobs, first, state["prompts"][0]["id"],
                                        speech(tmp_path, PROMPTS[0], "w1.wav"))
        assert took["passed"], took["reasons"]
        subject.give_consent(s, second, "Second Woman", version=1)
    with runtime.session() as s, pytest.raises(Conflict, match="young women is full"):
        subject.set_demographics(s, second, gender="female", age=30)
    with runtime.session() as s:
        assert _women(quota_progress(s, pid))["full"]
        withdraw_consent(s, s.merge(users["pm"]), pid, "w1")

    with runtime.session() as s:
        women = _women(quota_progress(s, pid))
    assert women["accepted"]["speakers"] == women["accepted"]["items"] == 0, women
    assert women["in_progress"]["speakers"] == 0 and not women["full"], women
    out = _cli(runtime, "collect", "quotas", str(pid), "--as", "pm", "--json")
    cells = {c["label"]: c for c in json.loads(out)["cells"]}
    assert not cells["young women"]["full"]

    # the replacement, refused before, sends the same answers again and is enrolled
    r = client.post(f"{API}/collect/visit/demographics", headers={"X-Collect-Token": second},
                    json={"gender": "female", "age": 30})
    assert r.status_code == 200, r.text
    assert r.json()["enrolled"] and r.json()["closed"] is None

    # the subjects listing shows the withdrawal: API, CLI (JSON and text), web
    rows = {r["subject_id"]: r for r in client.get(
        f"{API}/collect/projects/{pid}/subjects", headers=login(client, "pm")).json()}
    assert rows["w1"]["consent_withdrawn_at"] and rows["w2"]["consent_withdrawn_at"] is None
    listed = {r["subject_id"]: r for r in json.loads(
        _cli(runtime, "collect", "subjects", str(pid), "--as", "pm", "--json"))}
    assert listed["w1"]["consent_withdrawn_at"] and listed["w2"]["consent_withdrawn_at"] is None
    text = _cli(runtime, "collect", "subjects", str(pid), "--as", "pm")
    assert "w1  consent WITHDRAWN" in text and "w2  consent v1" in text, text
    web_login(client, "pm")
    # the dashboard counts the withdrawn take as accepted nowhere: not in the quota panel
    # (w2 is in progress there), not as production progress (it was "passed checks")
    board = client.get(f"/projects/{pid}")
    row = re.search(r'<td>young women</td>\s*<td>[^<]*</td>\s*<td>([^<]*)<', board.text)
    assert row is not None and row.group(1).startswith("0 "), board.text
    data = re.search(r'id="dashboard-data">(.*?)</script>', board.text)
    assert data is not None
    progress = {p["status"]: p for p in json.loads(data.group(1))["progress"]}
    assert set(progress) == {"consent_withdrawn"}, progress
    assert progress["consent_withdrawn"]["items"] == 1
    assert not progress["consent_withdrawn"]["usable"]
    page = client.get(f"/projects/{pid}/subjects")
    assert page.status_code == 200 and 'data-testid="subj-withdrawn"' in page.text
    assert "consent withdrawn on" in page.text
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/projects/{pid}/subjects")
    assert "撤回同意：不计入任何配额单元" in page.text


def test_signing_again_on_the_old_link_after_a_withdrawal_is_refused(
    runtime: Runtime, users: dict[str, User], client: TestClient,
) -> None:
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "w1")
    with runtime.session() as s:
        subject.give_consent(s, token, "First Woman", version=1)
        withdraw_consent(s, s.merge(users["pm"]), pid, "w1")
    with runtime.session() as s:
        rec = s.scalars(select(ConsentRecord).where(ConsentRecord.subject_id == "w1")).one()
        given, withdrawn = rec.given_at, rec.withdrawn_at
    assert withdrawn is not None

    got = {lang: client.post(f"{API}/collect/visit/consent",
                             headers={"X-Collect-Token": token, "Accept-Language": lang},
                             json={"signature": "First Woman", "version": 1})
           for lang in ("en", "zh-CN")}
    assert got["en"].status_code == got["zh-CN"].status_code == 409, got["en"].text
    en, zh = got["en"].json(), got["zh-CN"].json()
    assert en["reason_code"] == zh["reason_code"] == "consent_withdrawn"
    assert "withdrew your consent" in en["detail"] and "contact the project" in en["detail"]
    assert "已撤回" in zh["detail"] and "请联系项目方" in zh["detail"], zh
    with runtime.session() as s, pytest.raises(Conflict, match="withdrew your consent"):
        subject.give_consent(s, token, "First Woman", version=1)

    with runtime.session() as s:
        rec = s.scalars(select(ConsentRecord).where(ConsentRecord.subject_id == "w1")).one()
        assert (rec.given_at, rec.withdrawn_at) == (given, withdrawn)
    state = client.get(f"{API}/collect/visit", headers={"X-Collect-Token": token}).json()
    assert state["consent"] is None and state["consent_withdrawn"] is True
    page = client.get(f"/collect/{token}")
    assert 'data-testid="consent-withdrawn"' in page.text and 'id="consent-form"' not in page.text


BAD_IDS = ["a b", "../../evil", "bad/id", "..", ".", "back\\slash"]


@pytest.mark.parametrize("bad", BAD_IDS, ids=["space", "traversal", "slash", "dotdot", "dot",
                                              "backslash"])
def test_an_invitation_refuses_a_subject_id_no_delivery_can_name(
    runtime: Runtime, users: dict[str, User], bad: str,
) -> None:
    pid = collection_project(runtime, users)
    with runtime.session() as s, pytest.raises(InvalidInput, match="no delivery format") as err:
        staff.create_invite(s, s.merge(users["pm"]), pid, bad)
    assert err.value.details["reason_code"] == "bad_subject_id"
    with runtime.session() as s:
        assert staff.list_subjects(s, s.merge(users["pm"]), pid) == []


def test_the_api_and_cli_refuse_such_ids_and_take_the_good_one(
    runtime: Runtime, users: dict[str, User], client: TestClient,
) -> None:
    pid = collection_project(runtime, users)
    pm = login(client, "pm")
    r = client.post(f"{API}/collect/projects/{pid}/invites", json={"subject_id": "a b"},
                    headers=pm)
    assert r.status_code == 422 and r.json()["reason_code"] == "bad_subject_id", r.text
    assert "'a_b'" in r.json()["detail"]
    r = client.post(f"{API}/collect/projects/{pid}/invites", json={"subject_id": "a_b"},
                    headers=pm)
    assert r.status_code == 201, r.text
    out = _cli(runtime, "collect", "invite", str(pid), "../../evil", "--as", "pm", "--json",
               ok=False)
    error = json.loads(out)["error"]
    assert error["reason_code"] == "bad_subject_id" and "no delivery format" in error["message"]
    with runtime.session() as s:
        ids = [r["subject_id"] for r in staff.list_subjects(s, s.merge(users["pm"]), pid)]
    assert ids == ["a_b"]
