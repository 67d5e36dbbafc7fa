"""Migration k0002 adds a licence's end date, renewal and revocation columns to a database that
already holds licences and their transfer links (SQLite once refused: rebuilding the table they
reference broke a foreign key), and takes them away again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from datamill.catalog import licences
from datamill.db.migrate import alembic_config
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

NEW = {"expires_on", "renews_id", "revoked_on", "revoke_reason"}


def test_k0002_up_and_down_with_licences_and_links(sqlite_runtime: Runtime,
                                                    tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    ds_id, _ = released(rt, who, tmp_path)
    with rt.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id,
                                      customer_id=customer(rt), price="300000", territory="PRC",
                                      term="perpetual", usage_scope="training",
                                      acceptance_criteria="ok")
        licences.issue_transfer_link(s, rt.settings, who["sales"], lic.id, tmp_path / "out")
    cfg = alembic_config(str(rt.engine.url))
    command.downgrade(cfg, "k0001")
    assert not NEW & {c["name"] for c in inspect(rt.engine).get_columns("catalog_licences")}
    command.upgrade(cfg, "heads")
    assert {c["name"] for c in inspect(rt.engine).get_columns("catalog_licences")} >= NEW
    with rt.session() as s:
        again = licences.get_licence(s, who["sales"], lic.id)
        assert again.number == lic.number and again.active and again.expires_on is None
        assert len(licences.list_links(s, rt.settings, who["sales"], lic.id)) == 1
