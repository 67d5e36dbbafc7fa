"""Out-of-band quotes: a licence priced outside its dataset's band is issued only on a quote a
second person approved (found by a trial: one salesperson alone could sell far below the band
by typing a reason of 8 letters). The decision is a ``ledger_approvals`` row (subject
``band_quote``), audited; an in-band licence needs nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.catalog import band_quotes, licences
from datamill.catalog.models import CatalogBandQuote
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.budgets import register_approver
from datamill.ledger.models import LedgerApproval
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}
WHY = "tender won at 3 lots"


def _world(rt: Runtime, tmp: Path) -> tuple[dict[str, User], int, int]:
    """People (pm set the band 200,000..400,000 CNY), a released dataset, a customer."""
    who = people(rt)
    ds_id, _ = released(rt, who, tmp)
    return who, ds_id, customer(rt)


def _code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.details["reason_code"])


def _quote(rt: Runtime, user: User, ds_id: int, cust: int, price: str = "100000",
           reason: str = WHY, **kw: Any) -> int:
    with rt.session() as s:
        return band_quotes.request_band_quote(s, user, dataset_id=ds_id, customer_id=cust,
                                              price=price, reason=reason, **kw).id


def _issue(rt: Runtime, user: User, ds_id: int, cust: int, price: str = "100000",
           **kw: Any) -> Any:
    with rt.session() as s:
        return licences.create_licence(s, user, dataset_id=ds_id, customer_id=cust,
                                       price=price, **{**TERMS, **kw})


def test_an_in_band_licence_needs_no_approval(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    lic = _issue(runtime, who["sales"], ds_id, cust, price="300000")
    assert lic.price == 300000 and lic.band_reason is None
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       price="250000", reason=WHY)
    assert _code(err) == "band_quote_in_band"
    with runtime.session() as s:
        assert s.scalar(select(CatalogBandQuote.id)) is None
        data = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "catalog.licence.issued")).one()
        assert data["out_of_band"] is False and data["band_quote_id"] is None


def test_one_salesperson_alone_cannot_sell_below_the_band(runtime: Runtime,
                                                          tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with pytest.raises(Conflict) as err:  # a real reason is no longer enough
        _issue(runtime, who["sales"], ds_id, cust, band_reason=WHY)
    assert _code(err) == "band_approval_required"
    assert "second person" in err.value.message
    q = _quote(runtime, who["sales"], ds_id, cust)
    with pytest.raises(Conflict) as err:  # asked for, not yet approved
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_approval_pending" and err.value.details["quote_id"] == q
    with runtime.session() as s, pytest.raises(Forbidden) as err:  # sales decide nothing
        band_quotes.decide_band_quote(s, who["sales"], q, decision="approve", reason="fine")
    assert _code(err) == "band_approver_role"


@pytest.mark.parametrize("quoter", ["admin", "approver-sales"])
def test_the_quote_maker_never_approves_it(runtime: Runtime, tmp_path: Path,
                                           quoter: str) -> None:
    """An administrator, or a salesperson who is also a ledger approver (the finance hat),
    holds both actions; neither approves their own quote."""
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:
        if quoter == "admin":
            maker = who["admin"]
        else:
            maker = create_user(s, "sales-vp", "password1", "sales")
            register_approver(s, maker.id, "vp")
    q = _quote(runtime, maker, ds_id, cust)
    with runtime.session() as s, pytest.raises(Forbidden) as err:
        band_quotes.decide_band_quote(s, maker, q, decision="approve", reason="looks right")
    assert _code(err) == "band_quote_own"
    with runtime.session() as s:
        assert s.get(CatalogBandQuote, q).status == "pending"  # type: ignore[union-attr]
        assert s.scalar(select(LedgerApproval.id)) is None
    with pytest.raises(Conflict):
        _issue(runtime, maker, ds_id, cust)


def test_approve_then_issue(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    q = _quote(runtime, who["sales"], ds_id, cust)
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        band_quotes.decide_band_quote(s, who["pm"], q, decision="approve", reason="  ")
    assert _code(err) == "band_decision_reason"
    with runtime.session() as s:
        out = band_quotes.decide_band_quote(s, who["pm"], q, decision="approve",
                                            reason="strategic customer, 3 lots")
        assert (out.status, out.decided_by, out.decided_by_name) == ("approved", who["pm"].id,
                                                                     "pm")
        step = s.scalars(select(LedgerApproval).where(
            LedgerApproval.subject_type == "band_quote", LedgerApproval.subject_id == q)).one()
        assert (step.level, step.approver_id, step.decision, step.approval_role) == (
            1, who["pm"].id, "approve", "project_manager")
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.band_quote.approved")).one()
        assert audit.actor_id == who["pm"].id and audit.object_id == q
        assert audit.data["reason"] == "strategic customer, 3 lots"
        assert audit.data["quote_reason"] == WHY
    lic = _issue(runtime, who["sales"], ds_id, cust)  # the quote's reason is recorded
    assert lic.band_reason == WHY
    with runtime.session() as s:
        row = s.get(CatalogBandQuote, q)
        assert row is not None and (row.status, row.licence_id) == ("used", lic.id)
        data = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "catalog.licence.issued")).one()
        assert data["out_of_band"] is True and data["band_quote_id"] == q
        assert data["band_approved_by"] == who["pm"].id
        with pytest.raises(Conflict) as err:
            band_quotes.decide_band_quote(s, who["admin"], q, decision="reject", reason="late")
        assert _code(err) == "band_quote_decided"
    # a quote licenses once
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, territory="HK")
    assert _code(err) == "band_approval_required"
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, territory="HK", band_quote_id=q)
    assert _code(err) == "band_quote_used"


def test_reject_blocks_the_licence(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:
        fin = create_user(s, "fin", "password1", "finance")
    q = _quote(runtime, who["sales"], ds_id, cust)
    with runtime.session() as s:
        out = band_quotes.decide_band_quote(s, fin, q, decision="reject",
                                            reason="below our cost floor")
        assert out.status == "rejected" and out.decision_reason == "below our cost floor"
        assert s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "catalog_band_quote")).all() == [
            "catalog.band_quote.requested", "catalog.band_quote.rejected"]
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, band_reason=WHY)
    assert _code(err) == "band_quote_rejected"
    assert err.value.details["reason"] == "below our cost floor"
    with runtime.session() as s, pytest.raises(Conflict) as err:
        band_quotes.decide_band_quote(s, who["pm"], q, decision="approve", reason="changed")
    assert _code(err) == "band_quote_decided"
    # a new quote at another price, approved, licenses at that price only
    q2 = _quote(runtime, who["sales"], ds_id, cust, price="180000")
    with runtime.session() as s:
        band_quotes.decide_band_quote(s, who["pm"], q2, decision="approve", reason="ok then")
    with pytest.raises(InvalidInput) as err:
        _issue(runtime, who["sales"], ds_id, cust, band_quote_id=q2)
    assert _code(err) == "band_quote_mismatch"
    assert _issue(runtime, who["sales"], ds_id, cust, price="180000").price == 180000


def test_a_quote_needs_a_real_reason_and_another_seller(runtime: Runtime,
                                                        tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    for reason in ("", ".", "cheap"):
        with runtime.session() as s, pytest.raises(InvalidInput) as err:
            band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id,
                                           customer_id=cust, price="100000", reason=reason)
        assert _code(err) == "band_reason_required"
    with runtime.session() as s, pytest.raises(Forbidden) as err:  # the pm set the band
        band_quotes.request_band_quote(s, who["pm"], dataset_id=ds_id, customer_id=cust,
                                       price="100000", reason=WHY)
    assert _code(err) == "role"  # and holds no sell action anyway
    with runtime.session() as s, pytest.raises(Forbidden) as err:
        band_quotes.list_band_quotes(s, who["cust"])
    q = _quote(runtime, who["sales"], ds_id, cust)
    with runtime.session() as s:
        assert [x.id for x in band_quotes.list_band_quotes(s, who["pm"], status="pending")] == [q]
        assert band_quotes.list_band_quotes(s, who["pm"], dataset_id=ds_id + 99) == []
        assert band_quotes.may_decide_band_quotes(s, who["pm"])
        assert not band_quotes.may_decide_band_quotes(s, who["sales"])
        assert not band_quotes.may_decide_band_quotes(s, who["dso"])


def test_one_quote_one_decision_and_one_licence_at_once(runtime: Runtime,
                                                        tmp_path: Path) -> None:
    """Deciders at once record one decision (the others: ``band_quote_decided``); licences
    issued at once on one approved quote make one (the others find it used)."""
    from sqlalchemy.orm import Session

    from datamill.catalog.models import CatalogLicence
    from tests.known_issues.test_trial_h1_licence_race import RACERS, _race

    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:
        fin = create_user(s, "fin", "password1", "finance")
    deciders = [who["pm"], who["admin"], fin]
    q = _quote(runtime, who["sales"], ds_id, cust)

    def decide(s: Session, i: int) -> None:
        band_quotes.decide_band_quote(s, deciders[i % 3], q, decision=("approve", "reject")[i % 2],
                                      reason=f"decider {i}")

    got = _race(runtime, decide)
    assert got.count("ok") == 1, got
    assert all("is approved already" in g or "is rejected already" in g
               for g in got if g != "ok"), got
    with runtime.session() as s:
        assert len(s.scalars(select(LedgerApproval)).all()) == 1
        rejected = s.get(CatalogBandQuote, q).status == "rejected"  # type: ignore[union-attr]
    if rejected:  # a new quote, approved, for the licences' race
        q = _quote(runtime, who["sales"], ds_id, cust)
        with runtime.session() as s:
            band_quotes.decide_band_quote(s, who["pm"], q, decision="approve", reason="ok")

    def issue(s: Session, i: int) -> None:
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                price="100000", **{**TERMS, "territory": f"region {i}"})

    got = _race(runtime, issue)
    assert got.count("ok") == 1, got
    with runtime.session() as s:
        assert len(s.scalars(select(CatalogLicence)).all()) == 1
        assert s.get(CatalogBandQuote, q).status == "used"  # type: ignore[union-attr]
    assert len(got) == RACERS


def test_every_refusal_is_worded_in_english_and_chinese() -> None:
    import re

    from datamill.modalities._reason_words import CATALOG_CODES
    from datamill.modalities.problem_words import REASON_WORDS

    codes = [c for c in CATALOG_CODES
             if c.startswith(("band_quote", "band_approv", "band_dec", "band_withdrawal"))]
    assert len(codes) == 21, codes
    for code in codes:
        en, zh = REASON_WORDS["en"][code], REASON_WORDS["zh-CN"][code]
        assert en and re.search(r"[\u4e00-\u9fff]", zh), code
        assert not re.search(r"[\u4e00-\u9fff][,:;()?!]|[,:;()?!][\u4e00-\u9fff]", zh), zh
        assert zh.endswith("。"), zh
