"""What an out-of-band quote binds (found by a security test): the exchange rate it was
approved at binds the licence issued on it (a USD quote approved at 7.2 CNY per USD, about
432,000 CNY, licensed at 0.5 booked 30,000 CNY), and a dataset with a released version keeps
a price band (clearing it turned off the approval and the segregation rule: an administrator
alone then sold at 0.01 CNY). SQLite and PostgreSQL, the domain and the CLI (``--json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import band_quotes, datasets, licences
from datamill.catalog.models import CatalogBandQuote, CatalogDataset, CatalogLicence
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.models import LedgerOrder
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}
WHY = "usd export deal 12"


def _world(rt: Runtime, tmp: Path) -> tuple[dict[str, User], int, int]:
    """People (pm set the band 200,000..400,000 CNY), a released dataset, a customer."""
    who = people(rt)
    ds_id, _ = released(rt, who, tmp)
    return who, ds_id, customer(rt)


def _code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.details["reason_code"])


def _approved(rt: Runtime, who: dict[str, User], ds_id: int, cust: int, **kw: Any) -> int:
    with rt.session() as s:
        q = band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                           reason=WHY, **kw)
        band_quotes.decide_band_quote(s, who["pm"], q.id, decision="approve", reason="export")
        return q.id


def _issue(rt: Runtime, user: User, ds_id: int, cust: int, price: str, **kw: Any) -> Any:
    with rt.session() as s:
        return licences.create_licence(s, user, dataset_id=ds_id, customer_id=cust,
                                       price=price, **{**TERMS, **kw})


def test_a_licence_on_a_quote_is_booked_at_the_quotes_rate(runtime: Runtime,
                                                           tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    usd = {"currency": "USD"}
    qid = _approved(runtime, who, ds_id, cust, price="60000", fx_rate="7.2", **usd)  # 432,000
    for named in ({"band_quote_id": qid}, {}):  # named, or found by its terms
        with pytest.raises(InvalidInput) as err:
            _issue(runtime, who["sales"], ds_id, cust, "60000", fx_rate="0.5", **usd, **named)
        assert _code(err) == "band_quote_fx_rate"
        assert (err.value.details["quote_cny"], err.value.details["cny"]) == ("432000.00",
                                                                              "30000.00")
    with runtime.session() as s:
        assert s.get(CatalogBandQuote, qid).status == "approved"  # type: ignore[union-attr]
        assert s.scalar(select(LedgerOrder.id)) is None  # nothing booked
    lic = _issue(runtime, who["sales"], ds_id, cust, "60000", fx_rate="7.200000", **usd)
    with runtime.session() as s:
        order = s.get(LedgerOrder, lic.order_id)
        assert order is not None and order.amount_cny == 432000
        assert s.get(CatalogBandQuote, qid).status == "used"  # type: ignore[union-attr]


def test_a_foreign_quote_without_a_rate_licenses_nothing(runtime: Runtime,
                                                        tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       price="60000", currency="USD", reason=WHY)
    assert _code(err) == "band_quote_needs_fx_rate"
    # a quote approved without a rate (made before the rule): its CNY value was never approved
    qid = _approved(runtime, who, ds_id, cust, price="60000", currency="USD", fx_rate="7.2")
    with runtime.session() as s:
        s.get(CatalogBandQuote, qid).fx_rate = None  # type: ignore[union-attr]
    with pytest.raises(Conflict) as cerr:
        _issue(runtime, who["sales"], ds_id, cust, "60000", currency="USD", fx_rate="0.5",
               band_quote_id=qid)
    assert _code(cerr) == "band_quote_no_fx_rate"
    with runtime.session() as s:
        assert s.scalar(select(LedgerOrder.id)) is None


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_cli_refuses_another_rate_in_json(runtime: Runtime, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _, ds_id, cust = _world(runtime, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    got = _cli("catalog", "band-quote", str(ds_id), str(cust), "--price", "60000", "--currency",
               "USD", "--reason", WHY, "--as", "sales", "--json")
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_needs_fx_rate"
    got = _cli("catalog", "band-quote", str(ds_id), str(cust), "--price", "60000", "--currency",
               "USD", "--fx-rate", "7.2", "--reason", WHY, "--as", "sales", "--json")
    assert got.exit_code == 0, got.output
    qid = json.loads(got.stdout)["id"]
    got = _cli("catalog", "band-quote-approve", str(qid), "--reason", "export", "--as", "pm",
               "--json")
    assert got.exit_code == 0, got.output
    add = ["catalog", "licence-add", str(ds_id), str(cust), "--price", "60000", "--currency",
           "USD", "--territory", "PRC", "--term", "1y", "--usage", "training", "--criteria",
           "manifest", "--as", "sales", "--json"]
    got = _cli(*add, "--fx-rate", "0.5")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_quote_fx_rate"
    got = _cli(*add, "--fx-rate", "7.2")
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["price"] in ("60000.00", 60000, "60000")


def test_a_released_dataset_keeps_its_band(runtime: Runtime, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with pytest.raises(Conflict) as err, runtime.session() as s:  # rolled back
        datasets.update_dataset(s, who["admin"], ds_id, price_low="", price_high="")
    assert _code(err) == "band_required_released"
    monkeypatch.setattr(_common, "_runtime", [runtime])
    got = _cli("catalog", "update", str(ds_id), "--price-low", "", "--price-high", "", "--as",
               "admin", "--json")
    assert got.exit_code != 0
    assert json.loads(got.stdout)["error"]["reason_code"] == "band_required_released"
    with runtime.session() as s:
        ds = s.get(CatalogDataset, ds_id)
        assert ds is not None and (ds.price_low, ds.price_high) == (200000, 400000)
    with pytest.raises(Conflict) as err:  # still out of band: 0.01 needs an approved quote
        _issue(runtime, who["admin"], ds_id, cust, "0.01", band_reason=WHY)
    assert _code(err) == "band_approval_required"


def test_whoever_cleared_an_end_of_the_band_does_not_sell_in_it(runtime: Runtime,
                                                                tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:  # the low end cleared: 0.01 now lies inside ..400,000
        datasets.update_dataset(s, who["admin"], ds_id, price_low="")
    with pytest.raises(Forbidden) as err:
        _issue(runtime, who["admin"], ds_id, cust, "0.01")
    assert _code(err) == "band_own_quote"
    with runtime.session() as s:
        assert s.scalar(select(CatalogLicence.id)) is None


def test_a_dataset_without_a_band_licenses_only_on_an_approved_quote(runtime: Runtime,
                                                                     tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:  # released before bands were kept (or written around them)
        ds = s.get(CatalogDataset, ds_id)
        assert ds is not None
        ds.price_low = ds.price_high = None
    for user in ("sales", "admin"):
        with pytest.raises(Conflict) as err:
            _issue(runtime, who[user], ds_id, cust, "0.01", band_reason=WHY)
        assert _code(err) == "band_approval_required"
    qid = _approved(runtime, who, ds_id, cust, price="0.01")
    lic = _issue(runtime, who["sales"], ds_id, cust, "0.01")
    with runtime.session() as s:
        assert s.get(CatalogBandQuote, qid).licence_id == lic.id  # type: ignore[union-attr]
