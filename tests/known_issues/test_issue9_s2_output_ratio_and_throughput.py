"""Issue 9 §2, reports the business reads: annotation-output ratio (标产比) achieved and vendor
throughput per project and stage — service, CLI (--json, --csv), API and the finance page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_app
from datamill.compliance.models import User
from datamill.compliance.users import create_user, get_user
from datamill.core.errors import Forbidden
from datamill.production.models import Annotation, Item, Task, TaskAssignment
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.throughput import output_ratio_report, report_scope, vendor_throughput
from datamill.workforce.vendors import create_vendor, register_worker
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import production_project

D = Decimal
HOUR = 3_600_000
WHEN = datetime(2018, 3, 6, 8, tzinfo=UTC)


def _work(s: Session, project: int, user: User, stage: str, n: int, audio_ms: int,
          spent_ms: int, accepted: int, start: int) -> None:
    """``n`` items of ``audio_ms`` audio, each annotated at ``stage`` in ``spent_ms``."""
    for k in range(n):
        item = Item(project_id=project, external_id=f"{stage}-{user.username}-{start + k}",
                    sha256=f"{start + k:064d}", filename="x.wav", size_bytes=1,
                    owner="customer", volume=audio_ms,
                    status="accepted" if k < accepted else "annotated")
        s.add(item)
        s.flush()
        task = Task(project_id=project, item_id=item.id, stage=stage, status="done")
        s.add(task)
        s.flush()
        s.add(TaskAssignment(task_id=task.id, user_id=user.id, status="submitted",
                             claimed_at=WHEN, submitted_at=WHEN))
        s.add(Annotation(item_id=item.id, version=1, task_id=task.id, stage=stage,
                         kind="annotation", author_id=user.id, segments=[],
                         time_spent_ms=spent_ms))
    s.flush()


@pytest.fixture
def scene(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    admin = users["admin"]
    with runtime.session() as s:
        pid = production_project(s, "ratio-p")
        acme = create_vendor(s, admin, name="Acme Data", kind="company", fee_rate="0.08")
        mgr = create_user(s, "acme-mgr", "password1", "annotator")
        register_worker(s, admin, mgr, vendor_id=acme.id, is_manager=True)
        a1 = create_user(s, "acme1", "password1", "annotator")
        a2 = create_user(s, "acme2", "password1", "annotator")
        for u in (a1, a2):
            register_worker(s, admin, u, vendor_id=acme.id)
        register_worker(s, admin, users["ann1"])  # in-house
        # acme: 6 items × 30 min audio, 90 min work each → 3 h audio, 9 h work; 4 accepted
        _work(s, pid, a1, "annotate", 4, HOUR // 2, 90 * 60_000, 3, 0)
        _work(s, pid, a2, "annotate", 2, HOUR // 2, 90 * 60_000, 1, 10)
        # in-house: 2 items × 1 h audio, 2 h work each; review: 1 h audio, 30 min
        _work(s, pid, users["ann1"], "annotate", 2, HOUR, 2 * HOUR, 2, 20)
        _work(s, pid, users["rev"], "review", 1, HOUR, HOUR // 2, 1, 30)
    return {"project": pid, "acme": acme.id}


def test_reports_compute_ratio_and_throughput(runtime: Runtime, users: dict[str, User],
                                              scene: dict[str, int]) -> None:
    with runtime.session() as s:
        ratios = {(r.stage): r for r in output_ratio_report(s, project_id=scene["project"])}
        # annotate: (9 + 4) h of work over (3 + 2) h of audio = 2.6 h per hour
        assert ratios["annotate"].ratio == D("2.6000")
        assert (ratios["annotate"].volume, ratios["annotate"].work_hours) == (D(5), D(13))
        assert ratios["annotate"].people == 3 and ratios["annotate"].unit == "hours"
        assert ratios["review"].ratio == D("0.5000")
        flows = vendor_throughput(s, project_id=scene["project"])
        acme = next(r for r in flows if r.vendor == "Acme Data")
        assert (acme.people, acme.items, acme.volume, acme.work_hours) == (2, 6, D(3), D(9))
        assert acme.per_work_hour == D("0.3333")  # h of audio per hour of work
        assert (acme.accepted_items, acme.accepted_volume) == (4, D(2))
        assert acme.acceptance_rate == D("0.6667")
        in_house = [r for r in flows if r.vendor == "in-house"]
        assert {r.stage for r in in_house} == {"annotate", "review"}
        # a period without work is empty; the vendor manager sees only their vendor
        assert output_ratio_report(s, date_from=WHEN.date().replace(year=2019)) == []
        assert report_scope(s, get_user(s, "admin")) is None
        assert report_scope(s, get_user(s, "acme-mgr"), vendor_only=True) == scene["acme"]
        with pytest.raises(Forbidden):
            report_scope(s, get_user(s, "acme-mgr"))
        with pytest.raises(Forbidden):
            report_scope(s, get_user(s, "acme1"), vendor_only=True)


def test_cli_api_and_finance_page(runtime: Runtime, users: dict[str, User],
                                  scene: dict[str, int], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    out_csv = tmp_path / "ratio.csv"
    r = cli.invoke(wf_app, ["output-ratio", "--as", "pm", "--json", "--csv", str(out_csv)])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert {row["stage"]: row["ratio"] for row in rows} == {"annotate": "2.6000",
                                                            "review": "0.5000"}
    assert out_csv.read_text().splitlines()[0].startswith("project_id,project,stage")
    r = cli.invoke(wf_app, ["throughput", "--as", "acme-mgr", "--json"])
    assert r.exit_code == 0, r.output
    assert {row["vendor"] for row in json.loads(r.output)} == {"Acme Data"}
    r = cli.invoke(wf_app, ["output-ratio", "--as", "acme1", "--json"])
    assert r.exit_code == 6 and "error" in json.loads(r.output)
    r = cli.invoke(wf_app, ["throughput", "--as", "pm", "--from", "2018-13-01", "--json"])
    assert r.exit_code != 0 and "error" in json.loads(r.output)

    with TestClient(create_app(runtime)) as c:
        def login(name: str) -> dict[str, str]:
            tok = c.post("/api/v1/auth/token", json={"username": name, "password": "password1"})
            return {"Authorization": f"Bearer {tok.json()['access_token']}"}

        r = c.get("/api/v1/reports/vendor-throughput", headers=login("pm"),
                  params={"project_id": scene["project"], "from": "2018-03-01",
                          "to": "2018-03-31"})
        assert r.status_code == 200
        assert {row["vendor"] for row in r.json()} == {"Acme Data", "in-house"}
        r = c.get("/api/v1/reports/output-ratio", headers=login("acme-mgr"))
        assert r.status_code == 403
        web_login(c, "admin")
        page = c.get("/finance?year=2018")
        assert page.status_code == 200
        assert 'data-testid="output-ratio"' in page.text and "2.6000" in page.text
        assert 'data-testid="throughput"' in page.text and "Acme Data" in page.text
        csv_text = c.get("/finance/throughput.csv?from=2018-01-01&to=2018-12-31").text
        assert csv_text.startswith("vendor_id,vendor,project_id") and "Acme Data" in csv_text
