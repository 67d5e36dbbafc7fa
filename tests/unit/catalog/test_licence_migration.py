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


def test_k0004_up_and_down_with_a_used_quote(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    """k0004 adds the out-of-band quotes' table beside existing licences and takes it away;
    licences issued on a quote stay as they are."""
    from tests.unit.catalog.helpers import approved_quote

    rt = sqlite_runtime
    who = people(rt)
    ds_id, _ = released(rt, who, tmp_path)
    cust = customer(rt)
    approved_quote(rt, who, ds_id, cust, "100000")
    with rt.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="100000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="ok")
    cfg = alembic_config(str(rt.engine.url))
    command.downgrade(cfg, "k0003")
    assert "catalog_band_quotes" not in inspect(rt.engine).get_table_names()
    command.upgrade(cfg, "heads")
    assert "catalog_band_quotes" in inspect(rt.engine).get_table_names()
    with rt.session() as s:
        again = licences.get_licence(s, who["sales"], lic.id)
        assert again.price == lic.price and again.band_reason == "tender won at 3 lots"


def test_k0005_up_and_down_with_quotes(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    """k0005 gives the quotes made before it the default validity from the day they were made
    (an approved quote older than that is expired at once), and adds the withdrawal and void
    columns; down again, the quotes stay as they were."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from datamill.catalog import band_quotes
    from tests.unit.catalog.helpers import approved_quote

    rt = sqlite_runtime
    who = people(rt)
    ds_id, _ = released(rt, who, tmp_path)
    cust = customer(rt)
    fresh = approved_quote(rt, who, ds_id, cust, "100000")
    old = approved_quote(rt, who, ds_id, cust, "90000")
    cfg = alembic_config(str(rt.engine.url))
    command.downgrade(cfg, "k0004")
    cols = {c["name"] for c in inspect(rt.engine).get_columns("catalog_band_quotes")}
    assert not cols & {"expires_on", "withdrawn_by", "withdrawn_at", "withdraw_reason",
                       "voided_at"}
    long_ago = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE catalog_band_quotes SET quoted_at = :at WHERE id = :id"),
                     {"at": long_ago, "id": old})
    command.upgrade(cfg, "heads")
    with rt.session() as s:
        got = {q.id: q for q in band_quotes.list_band_quotes(s, who["pm"])}
        assert got[old].expires_on == long_ago.date() + timedelta(days=30)
        assert got[old].status == "expired" and got[fresh].status == "approved"
        assert got[fresh].expires_on >= got[fresh].quoted_at.date() + timedelta(days=30)
    with rt.session() as s:  # the fresh one still licenses
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="100000", territory="PRC", term="perpetual",
                                      usage_scope="training", acceptance_criteria="ok")
    assert lic.price == 100000
    command.downgrade(cfg, "k0004")
    command.upgrade(cfg, "heads")
