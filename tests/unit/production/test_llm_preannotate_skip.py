"""Trial h3: ``data preannotate`` on an LLM pairwise project (which the README's loop runs)
exited 2 with "record p1 has 2 responses: preference and rubric work starts without a
pre-annotation". A choice between responses starts from nothing: the run labels nothing and
says why (API, CLI), and an SFT project still starts from its records."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.modalities.llm._cases import PAIR_RECORDS, spec


def test_a_pairwise_project_has_nothing_to_preannotate(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    src = tmp_path / "pairs.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in PAIR_RECORDS) + "\n",
                   encoding="utf-8")
    with runtime.session() as s:
        p = create_project(s, spec("pairwise"))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, p.id, src)
        assert run_checks(s, runtime.blobs, p.id, workers=1).passed == 3
    with TestClient(create_app(runtime)) as client:
        r = client.post(f"{API}/projects/{p.id}/preannotate", headers=login(client, "pm"))
    assert r.status_code == 200, r.text
    assert r.json() == {"items": 0, "model": None, "dropped": {},
                        "skipped": "pairwise work starts without a pre-annotation (only sft "
                                   "starts from the record)"}
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0
