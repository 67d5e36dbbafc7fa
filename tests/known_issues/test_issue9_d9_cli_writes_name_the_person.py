"""Issue 9 defect 9, the rest: project, qc, delivery and user CLI writes take ``--as``, are
checked like the API (authorize: role, membership) and audited with the actor; annotation
submits and API token issues leave an audit record too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.audit import verify_audit_chain
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_token
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project, spec
from tests.unit.production.test_inspection_delivery import _annotate_and_review


def _actions(runtime: Runtime, action: str) -> list[int | None]:
    with runtime.session() as s:
        return [r.actor_id for r in s.scalars(select(AuditRecord).where(
            AuditRecord.action == action).order_by(AuditRecord.id))]


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def test_project_and_user_writes_act_for_a_checked_person(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="as-proj")), encoding="utf-8")
    r = cli.invoke(app, ["project", "create", str(spec_file), "--json"])
    assert r.exit_code == 2 and "--as" in r.output  # nobody named: refused
    r = cli.invoke(app, ["project", "create", str(spec_file), "--as", "ann1", "--json"])
    assert r.exit_code == 6, r.output
    assert json.loads(r.stdout)["error"]["code"] == "forbidden"
    r = cli.invoke(app, ["project", "create", str(spec_file), "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    assert _actions(runtime, "project.created") == [users["pm"].id]
    r = cli.invoke(app, ["project", "add-member", "as-proj", "ann1", "--as", "ann2", "--json"])
    assert r.exit_code == 3  # noqa: PLR2004 - not a member: the project is missing to ann2
    r = cli.invoke(app, ["project", "add-member", "as-proj", "ann1", "--as", "pm", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == {"project": "as-proj",
                                                         "username": "ann1"}
    assert _actions(runtime, "project.member_added")[-1] == users["pm"].id
    # users: an admin acts; a token or a password is one's own (or an admin's) business
    r = cli.invoke(app, ["user", "create", "dora", "--role", "annotator", "--password",
                         "password1"])
    assert r.exit_code == 2 and "--as ADMIN" in r.output  # an admin exists: say who acts
    r = cli.invoke(app, ["user", "create", "dora", "--role", "annotator", "--password",
                         "password1", "--as", "pm"])
    assert r.exit_code == 6
    r = cli.invoke(app, ["user", "create", "dora", "--role", "annotator", "--password",
                         "password1", "--as", "admin"])
    assert r.exit_code == 0, r.output
    r = cli.invoke(app, ["user", "token", "dora", "--as", "ann1", "--json"])
    assert r.exit_code == 6
    r = cli.invoke(app, ["user", "token", "dora", "--as", "dora", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["token"].startswith("dm_")
    r = cli.invoke(app, ["user", "token", "dora", "--as", "admin", "--json"])
    assert r.exit_code == 0
    with runtime.session() as s:
        dora = s.scalars(select(User).where(User.username == "dora")).one()
        create_token(s, dora, "api sign-in")  # as the API's /auth/token does
        issued = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "user.token.issued").order_by(AuditRecord.id)).all()
        assert [r.actor_id for r in issued] == [dora.id, users["admin"].id, dora.id]
        assert all("dm_" not in json.dumps(r.data) for r in issued)  # never the secret
    r = cli.invoke(app, ["user", "password", "dora", "--as", "ann1", "--password",
                         "brand-new-pass"])
    assert r.exit_code == 6
    r = cli.invoke(app, ["user", "deactivate", "dora", "--as", "pm"])
    assert r.exit_code == 6
    r = cli.invoke(app, ["user", "deactivate", "dora", "--as", "admin"])
    assert r.exit_code == 0
    assert _actions(runtime, "user.created")[-1] == users["admin"].id
    assert _actions(runtime, "user.deactivated") == [users["admin"].id]
    r = cli.invoke(app, ["user", "token", "dora", "--as", "dora", "--json"])
    assert r.exit_code == 6  # deactivated people act for nobody
    with runtime.session() as s:
        assert verify_audit_chain(s) is None  # the chain holds over every new record


def test_qc_and_delivery_writes_act_for_a_member(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    _annotate_and_review(runtime, users, pid)
    submits = _actions(runtime, "annotation.submitted")
    assert submits == [users["ann1"].id] * 2  # every annotation submit, with its author
    project = str(pid)
    assert cli.invoke(app, ["qc", "batch", project, "--as", "ann1", "--json"]).exit_code == 6
    r = cli.invoke(app, ["qc", "batch", project, "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    batch = json.loads(r.stdout)["id"]
    assert _actions(runtime, "batch.created") == [users["pm"].id]
    r = cli.invoke(app, ["qc", "inspect", str(batch), "--as", "ann1", "--json"])
    assert r.exit_code == 6  # annotators do not inspect
    r = cli.invoke(app, ["qc", "inspect", str(batch), "--as", "insp", "--json"])
    assert r.exit_code == 0, r.output
    insp = json.loads(r.stdout)
    for smp in insp["sample"]:
        with runtime.session() as s:
            item = s.get(Item, smp["item_id"])
            assert item is not None
            text = (item.prompt or "").lower().rstrip(".")
        r = cli.invoke(app, ["qc", "correct", str(insp["id"]), str(smp["item_id"]), text,
                             "--as", "rev"])
        assert r.exit_code == 6  # a reviewer is not an inspector
        r = cli.invoke(app, ["qc", "correct", str(insp["id"]), str(smp["item_id"]), text,
                             "--as", "insp", "--json"])
        assert r.exit_code == 0, r.output
    r = cli.invoke(app, ["qc", "complete", str(insp["id"]), "--as", "insp", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["verdict"] == "accepted"
    out_dir = tmp_path / "out"
    r = cli.invoke(app, ["delivery", "create", str(batch), "--out", str(out_dir), "--as",
                         "ann1", "--json"])
    assert r.exit_code == 6
    r = cli.invoke(app, ["delivery", "create", str(batch), "--out", str(out_dir), "--as",
                         "pm", "--json"])
    assert r.exit_code == 0, r.output
    made = json.loads(r.stdout)
    delivery = made["id"]
    # everything delivered, with its volume (items and volume that contradict are refused)
    r = cli.invoke(app, ["delivery", "accept", str(delivery), "--items", "2", "--volume",
                         str(made["datasheet"]["volume"]["amount"]), "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    assert _actions(runtime, "delivery.created") == [users["pm"].id]
    assert _actions(runtime, "delivery.accepted") == [users["pm"].id]
    r = cli.invoke(app, ["delivery", "accept", "999", "--utterances", "1", "--duration-ms",
                         "1", "--as", "pm", "--json"])
    assert r.exit_code == 3  # unknown delivery: not found, as JSON
    assert json.loads(r.stdout)["error"]["code"] == "not_found"
