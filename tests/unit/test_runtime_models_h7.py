"""Trial h7 round 3: ``datamill catalog request-quote`` crashed with a traceback
(``NoReferencedTableError``: catalog_quote_requests.contract_id could not find
ledger_contracts). A runtime opened on a database already at every migration head skips
Alembic, whose environment imported every domain's models; a CLI process running a catalog
command never imported the ledger's, so the flush could not resolve the foreign key. The
runtime loads every domain's models itself now. A fresh interpreter shows it (the test
process has long imported every model)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
from datamill.runtime import Runtime
from datamill.db.base import Base
from datamill.catalog.models import CatalogInboxMark
rt = Runtime.from_settings(migrate=False)  # as at head: no Alembic run loads them
with rt.session() as s:  # a write: the first flush loads every domain's models
    s.add(CatalogInboxMark(user_id=1))
    try:
        s.flush()
    except Exception as err:  # no table here (nothing migrated): not what is probed
        print(type(err).__name__)
    s.rollback()
rt.close()
print(sorted(t for t in ("ledger_contracts", "catalog_quote_requests", "items")
             if t in Base.metadata.tables))
"""


def test_a_runtime_knows_every_domains_tables(tmp_path: Path) -> None:
    env = {"DATAMILL_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert out.strip().endswith("['catalog_quote_requests', 'items', 'ledger_contracts']"), out
