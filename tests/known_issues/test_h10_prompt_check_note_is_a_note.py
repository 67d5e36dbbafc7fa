"""Helper h10 (security round): a listener's note on a read-speech clip (why it does not read
its prompt) becomes the item's rejection reason, read by the project's manager and kept in the
audit trail, yet it was stored as sent, cut to 1,000 characters: a right-to-left override
(U+202E) made it display in another order than it reads, and a bell passed (every other note
one person writes for another is refused them: ``core.storable.check_note``). Now it is refused
422, naming the field, on the API as in the library (the CLI's and the web's path), and the
task stays held for a note that reads as written."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.checking import run_checks
from datamill.production.speech.prompt_check import answer_listen_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.test_prompt_check import ALL_LISTEN, _espeak, _project

__all__ = ["_espeak"]  # the fixture that skips without espeak-ng applies here too
BAD = ("reads \u202eanother line", "bell \x07")


def test_a_listener_note_is_refused_what_would_mislead_its_reader(
        runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        ann1 = login(c, "ann1")
        r = c.post(f"{API}/projects/{pid}/listen/next", headers=ann1)
        assert r.status_code == 200, r.text
        task_id = r.json()["task_id"]
        for text in BAD:
            r = c.post(f"{API}/tasks/{task_id}/listen",
                       headers={**ann1, "Content-Type": "application/json"},
                       content=json.dumps({"reads_prompt": False, "note": text}))
            assert (r.status_code, r.json().get("field")) == (422, "note"), (text, r.text)
    with runtime.session() as s:
        listener = s.merge(users["ann1"])
        for text in BAD:
            with pytest.raises(InvalidInput) as refused:
                answer_listen_task(s, listener, task_id, reads_prompt=False, note=text)
            assert refused.value.details["field"] == "note"
        out = answer_listen_task(s, listener, task_id, reads_prompt=False,
                                 note="another line,\nnot its prompt")
        assert out.item_status == "rejected"
