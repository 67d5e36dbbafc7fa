"""The PostgreSQL test database is emptied between tests: every table, ids from 1 again, rows
linked both ways (an item and its current annotation) included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.db.base import Base
from datamill.production.models import Item
from datamill.testing.fixtures import make_runtime, pg_url, reset_postgres
from tests._tools import require_tool
from tests.unit.production.helpers import ready_project


def test_reset_empties_every_table_and_restarts_ids(tmp_path: Path) -> None:
    url = pg_url()
    if url is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, "postgresql")
    try:
        with rt.session() as s:
            users = {"pm": create_user(s, "pm", "password1", "project_manager")}
        ready_project(rt, users, tmp_path, 2)
        with rt.session() as s:  # an annotation the item points back at (a cycle of keys)
            item = s.scalars(select(Item)).first()
            assert item is not None
        from datamill.modalities.base import AnnotationDoc
        from datamill.production.annotating import write_version

        with rt.session() as s:
            item = s.get_one(Item, item.id)
            write_version(s, item, base_version=0, payload=AnnotationDoc(payload=[], text=""),
                          stage="annotate", kind="preannotation", author_id=None)
    finally:
        rt.close()
    reset_postgres(url or "")
    rt = make_runtime(tmp_path / "again", "postgresql")
    try:
        with rt.session() as s:
            left = {t.name: s.scalar(select(func.count()).select_from(t))
                    for t in Base.metadata.sorted_tables}
            assert not any(left.values()), {k: v for k, v in left.items() if v}
            moved = s.scalar(text("SELECT count(*) FROM pg_sequences "
                                  "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
            assert moved == 0
            assert create_user(s, "again", "password1", "admin").id == 1
            assert s.scalar(select(func.count()).select_from(User)) == 1
    finally:
        rt.close()
