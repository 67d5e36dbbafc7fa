"""Trial h8: a quota cell ``{speakers: 1, hours: 10}`` with its one speaker enrolled and no
hour recorded read ``fill: 1.0, full: true`` (``collect quotas --json``, the dashboard): the
fill was the best-filled target's and one met target made the cell full. A cell is full only
when every target is met, its fill is its least-filled target's, and each target's own
progress is shown (API, CLI, web dashboard). Its speaker target met, the cell still takes no
new speaker."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from datamill.collection import staff, subject
from datamill.collection.quotas import quota_progress
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import Conflict
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login, web_sign_in
from tests._cli import run_cli
from tests.unit.collection.helpers import collect_spec


def _enrolled(rt: Runtime, users: dict[str, User]) -> tuple[int, str]:
    spec = collect_spec("quota-fill", age_bands=[{"name": "20-35", "min": 20, "max": 35}],
                        cells=[{"name": "women 20-35", "age_band": "20-35", "gender": "female",
                                "speakers": 1, "hours": 10}])
    with rt.session() as s:
        pid = create_project(s, spec).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, pid, "I agree.")
        staff.add_prompts(s, pm, pid, ["one two three"])
        token = str(staff.create_invite(s, pm, pid, "spk-1")["token"])
        second = str(staff.create_invite(s, pm, pid, "spk-2")["token"])
    with rt.session() as s:
        subject.give_consent(s, token, "First Speaker", version=1)
        subject.set_demographics(s, token, gender="female", age=28)
    return pid, second


def test_a_cell_is_full_only_when_every_target_is_met(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid, second = _enrolled(runtime, users)
    with runtime.session() as s:
        cell = quota_progress(s, pid)["cells"][0]
    assert cell["counted"] == {"speakers": 1, "hours": 0.0, "items": 0}
    assert cell["progress"] == {"speakers": 1.0, "hours": 0.0}
    assert (cell["fill"], cell["full"]) == (0.0, False)
    with runtime.session() as s:  # its one speaker is there: nobody else enrols
        subject.give_consent(s, second, "Second Speaker", version=1)
    with runtime.session() as s, pytest.raises(Conflict, match="1 of 1 speakers"):
        subject.set_demographics(s, second, gender="female", age=30)

    with TestClient(create_app(runtime)) as c:
        api = c.get(f"/api/v1/collect/projects/{pid}/quotas", headers=login(c, "pm")).json()
        assert api["cells"][0]["progress"] == {"speakers": 1.0, "hours": 0.0}
        assert (api["cells"][0]["fill"], api["cells"][0]["full"]) == (0.0, False)
        web_sign_in(c, "pm")
        page = c.get(f"/projects/{pid}").text
        assert 'data-testid="quota-cell" data-full="0"' in page
        assert "hours 0%, speakers 100%</span>" in page  # each target's own progress

    env = {"DATAMILL_DATABASE_URL": str(runtime.settings.database_url)}
    got = run_cli(runtime.settings.home, "collect", "quotas", str(pid), "--as", "pm", "--json",
                  **env)
    cli = json.loads(got.stdout)["cells"][0]
    assert (cli["fill"], cli["full"], cli["progress"]) == (0.0, False,
                                                          {"speakers": 1.0, "hours": 0.0})
    table = run_cli(runtime.settings.home, "collect", "quotas", str(pid), "--as", "pm",
                    **env).stdout
    # the fill column (wrapped by the table): "0% (speakers 100%, hours 0%)"
    assert all(w in table for w in ("0%", "(speakers", "100%, hours", "0%)")), table
    assert "open" in table and "full" not in table.replace("fill", "")
