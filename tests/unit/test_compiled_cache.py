"""The tests' shared statement cache (tests/_compiled_cache.py): a second engine finds the SQL
the first compiled, and still reads its own database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.testing.fixtures import make_runtime


def test_two_runtimes_share_compiled_sql_and_keep_their_own_rows(tmp_path: Path) -> None:
    names = []
    hits = []
    for i in range(2):
        folder = tmp_path / f"rt{i}"
        folder.mkdir()
        rt = make_runtime(folder, "sqlite")
        try:
            with rt.session() as s:
                create_user(s, f"person{i}", "password1", "annotator")
            with rt.session() as s:
                users = User.__table__
                result = s.connection().execute(
                    select(users.c.username).where(users.c.role == "annotator"))
                hits.append(result.context.cache_hit == rt.engine.dialect.CACHE_HIT)
                names.append(result.scalars().all())
        finally:
            rt.close()
    assert names == [["person0"], ["person1"]]
    assert hits == [False, True]
