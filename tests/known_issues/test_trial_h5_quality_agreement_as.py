"""Trial (quality lead, LOW 6): ``datamill quality agreement P --as pm`` failed with "No such
option: --as" while ``quality aggregate`` requires it. The read takes ``--as`` too, checked as
the API checks its caller (the person may view the project)."""

from __future__ import annotations

import json

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def test_agreement_takes_as(runtime: Runtime, users: dict[str, User]) -> None:
    spec = {"name": "agree", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    with runtime.session() as s:
        p = create_project(s, spec)
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        add_member(s, p.id, pm, actor_id=None)
    db = str(runtime.settings.database_url)
    home = runtime.settings.home
    r = run_cli(home, "quality", "agreement", "agree", "--as", "pm", "--json",
                DATAMILL_DATABASE_URL=db)
    assert json.loads(r.stdout)["units"] == 0
    r = run_cli(home, "quality", "agreement", "agree", "--json",  # unnamed: as before
                DATAMILL_DATABASE_URL=db)
    assert json.loads(r.stdout)["units"] == 0
    r = run_cli(home, "quality", "agreement", "agree", "--as", "ann1", "--json", ok=False,
                DATAMILL_DATABASE_URL=db)
    # no member of the project: answered as a missing project (the unseen-project rule)
    assert r.returncode == 3 and json.loads(r.stdout)["error"]["code"] == "not_found", r.stdout
