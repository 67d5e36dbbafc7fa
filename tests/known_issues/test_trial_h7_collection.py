"""Trial (H7), collection:

1. Quotas could be gamed: a subject refused with ``cell_full`` posted other demographics with the
   same link and was enrolled at once (answers locked only after the first recording). Answers
   are now fixed once sent, a refusal included; only the project manager resets them (audited).
2. A byte-identical WAV was accepted for a second prompt, and again from another subject. An
   exact copy of an item the project has is refused (``duplicate_recording``, en and zh-CN).
3. ``collect invite`` worked on a project with no ``collection:`` section (the page then said
   "no consent text yet"); ``collect revoke`` read like ``revoke PROJECT SUBJECT`` and a word
   for its id was refused by click in plain text, not JSON.

SQLite and PostgreSQL (the ``runtime`` fixture); the CLI runs over a fresh home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.collection import staff, subject
from datamill.compliance.models import AuditRecord
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.production.projects import create_project
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from datamill.web.i18n import CATALOGUES
from tests._api import API, login
from tests._cli import run_cli as run
from tests._tools import require_tool
from tests.unit.collection.helpers import (
    PROMPTS,
    collect_spec,
    collection_project,
    invite,
    speech,
)


def test_refused_demographics_stay_until_the_manager_resets_them(runtime, users):
    pid = collection_project(runtime, users)
    tokens = {n: invite(runtime, users, pid, n) for n in ("w1", "w2")}
    with runtime.session() as s:
        for n, t in tokens.items():
            subject.give_consent(s, t, f"Person {n}", version=1)
        subject.set_demographics(s, tokens["w1"], gender="female", age=22)
    with runtime.session() as s, pytest.raises(Conflict) as refused:
        subject.set_demographics(s, tokens["w2"], gender="female", age=30)
    assert refused.value.details["reason_code"] == "cell_full"
    with runtime.session() as s:  # the refusal is kept (and audited), not rolled back
        state = subject.collection_state(s, tokens["w2"])
        assert state["demographics"] == {"gender": "female", "age": 30}
        assert state["demographics_locked"] and not state["enrolled"]
        assert state["closed_code"] == "cell_full"
        # other answers (the men's cell is open) through the same link: refused
        with pytest.raises(Conflict) as locked:
            subject.set_demographics(s, tokens["w2"], gender="female", age=45)
        assert locked.value.details["reason_code"] == "demographics_locked"
        with pytest.raises(Conflict, match="cannot be changed"):
            subject.set_demographics(s, tokens["w2"], gender="male", age=30)
        # the same answers again: still the full cell's refusal
        with pytest.raises(Conflict, match="young women is full"):
            subject.set_demographics(s, tokens["w2"], gender="female", age=30)
    with runtime.session() as s, pytest.raises(Forbidden):  # annotators may not reset
        staff.reset_demographics(s, s.merge(users["ann1"]), pid, "w2")
    # the project manager resets them (API; audited); the subject then answers again
    with TestClient(create_app(runtime)) as client:
        url = f"{API}/collect/projects/{pid}/subjects/reset-demographics"
        r = client.post(url, json={"subject_id": "w2"}, headers=login(client, "pm"))
        assert r.status_code == 200, r.text
        assert r.json()["previous"] == {"gender": "female", "age": 30}
        r = client.post(url, json={"subject_id": "nobody"}, headers=login(client, "pm"))
        assert r.status_code == 404, r.text
    with runtime.session() as s:
        state = subject.set_demographics(s, tokens["w2"], gender="male", age=30)
        assert state["enrolled"] and state["closed"] is None
        actions = set(s.scalars(select(AuditRecord.action).where(AuditRecord.project_id == pid)))
        assert {"collection.demographics_refused", "collection.demographics_reset",
                "collection.enrolled"} <= actions


def test_the_page_says_answers_are_final(runtime, users):
    for lang, word in (("en", "cannot be changed"), ("zh-CN", "无法再修改")):
        assert word in CATALOGUES[lang]["collect.demo_intro"], lang
        assert CATALOGUES[lang]["collect.err.demographics_locked"]
        assert CATALOGUES[lang]["collect.err.duplicate_recording"]
    assert CATALOGUES["zh-CN"]["collect.err.duplicate_recording"] != \
        CATALOGUES["en"]["collect.err.duplicate_recording"]


def test_a_copy_of_a_recording_is_refused(runtime, users, tmp_path):
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    tokens = {n: invite(runtime, users, pid, n) for n in ("m1", "o1")}
    audio = speech(tmp_path, PROMPTS[0], "take.wav")
    with runtime.session() as s:
        for n, t in tokens.items():
            subject.give_consent(s, t, f"Person {n}", version=1)
        st = subject.set_demographics(s, tokens["m1"], gender="male", age=25)
        subject.set_demographics(s, tokens["o1"], gender="other", age=40)
        first = subject.upload_recording(s, runtime.blobs, tokens["m1"], st["prompts"][0]["id"],
                                         audio)
        assert first["passed"], first["reasons"]
        for token, prompt in ((tokens["m1"], st["prompts"][1]["id"]),   # another prompt
                              (tokens["o1"], st["prompts"][0]["id"])):  # another subject
            with pytest.raises(InvalidInput) as dup:
                subject.upload_recording(s, runtime.blobs, token, prompt, audio)
            assert dup.value.details["reason_code"] == "duplicate_recording"
        st = subject.collection_state(s, tokens["o1"])
        assert st["prompts"][0]["state"] == "todo" and st["prompts"][0]["attempts"] == 0


def test_invite_needs_a_collection_section_and_revoke_takes_an_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec = collect_spec(name="no-col")
    del spec["collection"]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    refused = run(home, "collect", "invite", "no-col", "spk-1", "--as", "root", "--json",
                  ok=False)
    assert refused.returncode != 0
    message = json.loads(refused.stdout)["error"]["message"]
    assert "no `collection:` section" in message and "cells" in message
    assert "revoke" in run(home, "collect", "revoke", "--help").stdout
    usage = run(home, "collect", "revoke", "--help", columns=120).stdout
    assert "INVITE_ID" in usage and "collect invites PROJECT" in usage
    word = run(home, "collect", "revoke", "no-col", "--as", "root", "--json", ok=False)
    assert word.returncode != 0
    assert "not an invitation id" in json.loads(word.stdout)["error"]["message"]
    unknown = run(home, "collect", "revoke", "99", "--as", "root", "--json", ok=False)
    assert "no invitation with id 99" in json.loads(unknown.stdout)["error"]["message"]


def test_service_refuses_invite_without_collection_section(runtime, users):
    spec = collect_spec(name="bare")
    del spec["collection"]
    with runtime.session() as s:
        p = create_project(s, spec)
        with pytest.raises(InvalidInput, match="no `collection:` section"):
            staff.create_invite(s, s.merge(users["admin"]), p.id, "spk")
