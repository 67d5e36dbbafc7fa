"""Follow-up to export control: an approved assessment was not tied to a destination, so after
the office changed a project's destination, the approval of the old one still let a delivery
to the new one go ahead. Now an assessment records the destination it assessed and covers
deliveries there only; the refusal names the destination. Migration sx001 adds the column and
keeps existing approvals only where the destination has not changed since (SQLite and
PostgreSQL, upgrade and downgrade)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from datamill.compliance.export import (
    ExportNotAssessed,
    add_export_rule,
    check_delivery_allowed,
    export_status,
    record_assessment,
    set_export,
)
from datamill.compliance.models import User
from datamill.compliance.users import create_user, get_user
from datamill.db.migrate import alembic_config
from datamill.runtime import Runtime
from tests._migrations import drop_schema, migration_url
from tests.unit.compliance._security_world import make_project

_SCHEMA = "mig_sx001"


@pytest.fixture
def pid(runtime: Runtime, users: dict[str, User]) -> int:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        project, _ = make_project(s, "abroad", [get_user(s, "pm")], [])
        add_export_rule(s, get_user(s, "dso"), "*")
        set_export(s, get_user(s, "dso"), project, cross_border=True, destination="US")
        record_assessment(s, get_user(s, "dso"), project, conclusion="approved")
    return project


def test_a_changed_destination_needs_a_new_approval(runtime: Runtime, pid: int) -> None:
    with runtime.session() as s:
        check_delivery_allowed(s, pid)  # US approved
        assert export_status(s, pid)["latest_assessment"]["destination"] == "US"
        set_export(s, get_user(s, "dso"), pid, cross_border=True, destination="JP")
    with pytest.raises(ExportNotAssessed) as err, runtime.session() as s:
        check_delivery_allowed(s, pid)
    message = err.value.message
    assert "destination JP" in message and "none is recorded for JP" in message, message
    assert "the latest assessed US" in message, message
    with runtime.session() as s:
        assert export_status(s, pid)["delivery_allowed"] is False
        record_assessment(s, get_user(s, "dso"), pid, conclusion="approved")
        check_delivery_allowed(s, pid)  # JP approved now
        set_export(s, get_user(s, "dso"), pid, cross_border=True, destination="US")
        check_delivery_allowed(s, pid)  # US's own approval still stands
        record_assessment(s, get_user(s, "dso"), pid, conclusion="rejected")  # of US
    with pytest.raises(ExportNotAssessed) as err, runtime.session() as s:
        check_delivery_allowed(s, pid)
    assert "the latest for US is 'rejected'" in err.value.message


def test_a_security_assessment_covers_its_destination_only(runtime: Runtime, pid: int) -> None:
    with runtime.session() as s:
        add_export_rule(s, get_user(s, "dso"), "*", requirement="security_assessment")
        record_assessment(s, get_user(s, "dso"), pid, conclusion="approved",
                          kind="security_assessment")
        check_delivery_allowed(s, pid)
        set_export(s, get_user(s, "dso"), pid, cross_border=True, destination="DE")
        record_assessment(s, get_user(s, "dso"), pid, conclusion="approved")  # self only
    with pytest.raises(ExportNotAssessed) as err, runtime.session() as s:
        check_delivery_allowed(s, pid)
    assert "only a self-assessment is recorded for DE" in err.value.message


def test_an_approval_while_domestic_covers_no_destination(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        project, _ = make_project(s, "later", [get_user(s, "pm")], [])
        add_export_rule(s, get_user(s, "dso"), "*")
        record_assessment(s, get_user(s, "dso"), project, conclusion="approved")
        set_export(s, get_user(s, "pm"), project, cross_border=True, destination="SG")
    with pytest.raises(ExportNotAssessed, match="SG"), runtime.session() as s:
        check_delivery_allowed(s, project)


_PROJECT = ("INSERT INTO projects (id, name, modality, language, project_type, data_owner, "
            "spec, spec_version, status, created_at) VALUES ({id}, 'p{id}', 'image', 'en-US', "
            "'custom_service', 'customer', '{{}}', 1, 'active', CURRENT_TIMESTAMP)")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sx001_keeps_approvals_of_the_current_destination(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    url = cfg.get_main_option("sqlalchemy.url") or url
    command.upgrade(cfg, "sa001")  # the compliance branch before sx001
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, display_name, password_hash, role, is_active, "
            "created_at) VALUES (1, 'dso', '', 'x', 'data_security_officer', true, "
            "CURRENT_TIMESTAMP)"))
        for project in (1, 2, 3):
            conn.execute(text(_PROJECT.format(id=project)))
        # 1: flagged, then assessed (unchanged since); 2: assessed, then redirected;
        # 3: assessed, never flagged
        for project, dest, set_at in ((1, "US", "2026-01-01"), (2, "JP", "2026-03-01")):
            conn.execute(text(
                "INSERT INTO export_settings (project_id, cross_border, destination, set_by, "
                f"set_at) VALUES ({project}, true, '{dest}', 1, '{set_at} 00:00:00')"))
        for aid, project in ((1, 1), (2, 2), (3, 3)):
            conn.execute(text(
                "INSERT INTO export_assessments (id, project_id, kind, conclusion, notes, "
                f"assessed_by, assessed_at) VALUES ({aid}, {project}, 'self_assessment', "
                "'approved', 'n', 1, '2026-02-01 00:00:00')"))
    engine.dispose()
    command.upgrade(cfg, "sx001")
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, destination, conclusion, notes FROM export_assessments ORDER BY id"
        )).all()
    assert [tuple(r) for r in rows] == [(1, "US", "approved", "n"), (2, None, "approved", "n"),
                                        (3, None, "approved", "n")]
    engine.dispose()
    command.downgrade(cfg, "sa001")
    engine = create_engine(url)
    assert "destination" not in {c["name"] for c in inspect(engine).get_columns(
        "export_assessments")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM export_assessments")).scalar() == 3  # noqa: PLR2004
    engine.dispose()
    drop_schema(backend, _SCHEMA)
