"""Trial: ``collect invite SPK01`` and ``collect invite spk01`` made at the same moment each
read "no such subject" and each inserted one -- one person, two subjects. A unique index on the
project and the lower-cased id (migration co006) refuses the second; the invite that loses finds
the winner's subject."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.collection import staff
from datamill.collection.models import CollectionSubject, subject_key
from datamill.compliance.models import User
from datamill.db.migrate import alembic_config
from datamill.runtime import Runtime
from tests._migrations import drop_schema, migration_url
from tests.known_issues.test_trial_h9_money_races import race
from tests.unit.collection.helpers import collection_project


def test_invites_of_two_spellings_at_once_make_one_subject(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = collection_project(runtime, users)

    def act(s: Session, i: int) -> None:
        staff.create_invite(s, s.merge(users["pm"]), pid, ("SPK01", "spk01", "Spk01")[i % 3])

    assert race(runtime, act) == Counter({"ok": 6})
    with runtime.session() as s:  # PostgreSQL before: an IntegrityError escaped the invite
        rows = s.query(CollectionSubject).filter_by(project_id=pid).all()
        assert len(rows) == 1


_SCHEMA = "mig_co006"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_co006_co007_keep_old_spellings_and_refuse_new_ones(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "co005")  # a database from before: two spellings of one id in it
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        for row_id, name in ((1, "SPK01"), (2, "spk01"), (3, "F02"), (4, "Ärzte1"), (5, "ärzte1")):
            conn.execute(text("INSERT INTO collection_subjects (id, project_id, subject_id, "
                              "demographics, created_at) VALUES (:id, 1, :name, '{}', "
                              "CURRENT_TIMESTAMP)"), {"id": row_id, "name": name})
    engine.dispose()
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT subject_id FROM collection_subjects ORDER BY id"))
        # kept: they have recordings
        assert list(names.scalars()) == ["SPK01", "spk01", "F02", "Ärzte1", "ärzte1"]
        keys = conn.execute(text("SELECT subject_key FROM collection_subjects ORDER BY id"))
        assert list(keys.scalars()) == ["spk01", "spk01", "f02", "ärzte1", "ärzte1"]
        # co007: one key whatever the case, width or script, on SQLite as on PostgreSQL
        for name in ("Spk01", "f02", "ÄRZTE1", "ＳＰＫ０１"):
            with pytest.raises(IntegrityError):
                conn.execute(text("INSERT INTO collection_subjects (project_id, subject_id, "
                                  "subject_key, demographics, created_at) VALUES (1, :name, "
                                  ":key, '{}', CURRENT_TIMESTAMP)"),
                             {"name": name, "key": subject_key(name)})
            conn.rollback()
    engine.dispose()
    command.downgrade(cfg, "co005")
    drop_schema(backend, _SCHEMA)


def test_an_id_in_any_case_width_or_script_is_one_subject(
    runtime: Runtime, users: dict[str, User],
) -> None:
    """SQLite's ``lower()`` folds ASCII only: ``Ärzte1`` and ``ärzte1`` were two subjects there
    (one on PostgreSQL), and full-width ``ＳＰＫ０１`` was a second ``SPK01`` on both."""
    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        said = [staff.create_invite(s, pm, pid, name)["subject_id"]
                for name in ("Ärzte1", "ärzte1", "SPK01", "ＳＰＫ０１", "ｓｐｋ01")]
        assert said == ["Ärzte1", "Ärzte1", "SPK01", "SPK01", "SPK01"]
        rows = s.query(CollectionSubject).filter_by(project_id=pid).all()
        assert sorted(r.subject_id for r in rows) == ["SPK01", "Ärzte1"]
