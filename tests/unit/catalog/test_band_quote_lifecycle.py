"""The lifecycle of an out-of-band quote beyond its decision: it expires (a validity in days,
stored as ``expires_on``), a change of the dataset's price band voids it, and its maker or a
catalog manager withdraws it. A licence on such a quote is refused with a coded reason; the
listing shows it ``expired``, ``void`` or ``withdrawn``. Withdrawal, decision and licence at
once leave one consistent outcome. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog import band_quotes, datasets, licences
from datamill.catalog.models import CatalogBandQuote, CatalogLicence
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.models import LedgerApproval
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import approved_quote, customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}
WHY = "tender won at 3 lots"


def _world(rt: Runtime, tmp: Path) -> tuple[dict[str, User], int, int]:
    """People (pm set the band 200,000..400,000 CNY and manages the catalog; a second
    salesperson; finance), a released dataset, a customer."""
    who = people(rt)
    with rt.session() as s:
        who["sales2"] = create_user(s, "sales2", "password1", "sales")
        who["fin"] = create_user(s, "fin", "password1", "finance")
    ds_id, _ = released(rt, who, tmp)
    return who, ds_id, customer(rt)


def _code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.details["reason_code"])


def _quote(rt: Runtime, user: User, ds_id: int, cust: int, price: str = "100000",
           **kw: Any) -> Any:
    with rt.session() as s:
        return band_quotes.request_band_quote(s, user, dataset_id=ds_id, customer_id=cust,
                                              price=price, reason=WHY, **kw)


def _issue(rt: Runtime, user: User, ds_id: int, cust: int, price: str = "100000",
           **kw: Any) -> Any:
    with rt.session() as s:
        return licences.create_licence(s, user, dataset_id=ds_id, customer_id=cust,
                                       price=price, **{**TERMS, **kw})


def _expire(rt: Runtime, qid: int, days_ago: int = 1) -> None:
    """The quote's last day ``days_ago`` before today (as if made long ago)."""
    with rt.session() as s:
        s.get(CatalogBandQuote, qid).expires_on = (  # type: ignore[union-attr]
            business_today() - timedelta(days=days_ago))


def _status(rt: Runtime, qid: int) -> str:
    with rt.session() as s:
        return s.get(CatalogBandQuote, qid).status  # type: ignore[union-attr]


def test_a_quote_is_valid_for_its_days(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    today = business_today()
    q = _quote(runtime, who["sales"], ds_id, cust)
    assert q.expires_on == today + timedelta(days=band_quotes.QUOTE_VALID_DAYS) and (
        band_quotes.QUOTE_VALID_DAYS == 30)
    assert _quote(runtime, who["sales"], ds_id, cust, valid_days=90).expires_on == (
        today + timedelta(days=90))
    for bad in (0, -1, 91, 10_000):
        with runtime.session() as s, pytest.raises(InvalidInput) as err:
            band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id,
                                           customer_id=cust, price="100000", reason=WHY,
                                           valid_days=bad)
        assert _code(err) == "band_quote_validity" and err.value.details["most"] == 90
    with runtime.session() as s:
        data = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "catalog.band_quote.requested",
            AuditRecord.object_id == q.id)).one()
        assert data["expires_on"] == q.expires_on.isoformat()


def test_an_expired_quote_is_neither_decided_nor_licenses(runtime: Runtime,
                                                          tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    pending = _quote(runtime, who["sales"], ds_id, cust, price="90000").id
    _expire(runtime, pending)
    with runtime.session() as s, pytest.raises(Conflict) as err:
        band_quotes.decide_band_quote(s, who["pm"], pending, decision="approve", reason="ok")
    assert _code(err) == "band_quote_expired"
    assert err.value.details["expires_on"] == f"{business_today() - timedelta(days=1)}"
    qid = approved_quote(runtime, who, ds_id, cust, "100000")
    _expire(runtime, qid, days_ago=0)  # its last day: it still licenses today
    with runtime.session() as s:
        shown = band_quotes.get_band_quote(s, who["pm"], qid)
        assert shown.status == "approved" and shown.expires_on == business_today()
    _expire(runtime, qid)
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_quote_expired" and err.value.details["quote_id"] == qid
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, band_quote_id=qid)
    assert _code(err) == "band_quote_expired"
    with runtime.session() as s:
        assert [(x.id, x.status) for x in band_quotes.list_band_quotes(s, who["pm"])] == [
            (qid, "expired"), (pending, "expired")]
        assert [x.id for x in band_quotes.list_band_quotes(s, who["pm"], status="expired")] == [
            qid, pending]
        assert band_quotes.list_band_quotes(s, who["pm"], status="approved") == []
        assert band_quotes.list_band_quotes(s, who["pm"], status="pending") == []
        assert s.get(CatalogBandQuote, qid).status == "approved"  # type: ignore[union-attr]
    # a newer quote of the same terms, withdrawn: the refusal still explains the expired one
    newer = _quote(runtime, who["sales"], ds_id, cust).id
    with runtime.session() as s:
        band_quotes.withdraw_band_quote(s, who["sales"], newer, reason="typed twice")
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_quote_expired" and err.value.details["quote_id"] == qid
    # a fresh quote of the same terms, approved, licenses (the expired one is passed by)
    fresh = approved_quote(runtime, who, ds_id, cust, "100000")
    lic = _issue(runtime, who["sales"], ds_id, cust)
    assert _status(runtime, fresh) == "used" and _status(runtime, qid) == "approved"
    assert lic.price == 100000


def test_a_band_change_voids_the_open_quotes(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    pending = _quote(runtime, who["sales"], ds_id, cust, price="90000").id
    approved = approved_quote(runtime, who, ds_id, cust, "100000")
    used = approved_quote(runtime, who, ds_id, cust, "110000")
    _issue(runtime, who["sales"], ds_id, cust, price="110000")
    rejected = _quote(runtime, who["sales"], ds_id, cust, price="80000").id
    with runtime.session() as s:
        band_quotes.decide_band_quote(s, who["fin"], rejected, decision="reject", reason="no")
        # the standard price alone moves inside the band: nothing is voided
        datasets.update_dataset(s, who["pm"], ds_id, price="350000")
    assert _status(runtime, approved) == "approved"
    with runtime.session() as s:
        datasets.update_dataset(s, who["pm"], ds_id, price_low="150000")
    assert [_status(runtime, q) for q in (pending, approved, used, rejected)] == [
        "void", "void", "used", "rejected"]
    with runtime.session() as s:
        voids = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.band_quote.voided").order_by(AuditRecord.id)).all()
        assert [(a.object_id, a.actor_id, a.data["was"]) for a in voids] == [
            (pending, who["pm"].id, "pending"), (approved, who["pm"].id, "approved")]
        assert voids[0].data["band_before"] == ["200000.00", "400000.00", "CNY"]
        assert voids[0].data["band_after"] == ["150000.00", "400000.00", "CNY"]
        change = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "catalog.dataset.updated").order_by(AuditRecord.id.desc())
        ).first()
        assert change is not None and change["voided_band_quotes"] == [pending, approved]
        shown = {x.id: x for x in band_quotes.list_band_quotes(s, who["pm"], status="void")}
        assert sorted(shown) == sorted([pending, approved])
        assert shown[approved].voided_at is not None
    for kw in ({}, {"band_quote_id": approved}):
        with pytest.raises(Conflict) as err:
            _issue(runtime, who["sales"], ds_id, cust, **kw)
        assert _code(err) == "band_quote_band_changed", kw
        assert "new quote" in err.value.message
        assert err.value.details["band_before"] == "200000.00..400000.00 CNY"
        assert err.value.details["band_now"] == "150000.00..400000.00 CNY"
    with runtime.session() as s, pytest.raises(Conflict) as err:
        band_quotes.decide_band_quote(s, who["pm"], pending, decision="approve", reason="ok")
    assert _code(err) == "band_quote_band_changed"
    # the band set back as it was: a void quote stays void
    with runtime.session() as s:
        datasets.update_dataset(s, who["pm"], ds_id, price_low="200000")
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, band_quote_id=approved)
    assert _code(err) == "band_quote_band_changed"
    # a new quote against the band in force licenses
    approved_quote(runtime, who, ds_id, cust, "100000")
    assert _issue(runtime, who["sales"], ds_id, cust, usage_scope="evaluation").price == 100000


def test_a_quote_of_another_band_than_the_one_in_force_never_licenses(
        runtime: Runtime, tmp_path: Path) -> None:
    """Whatever changed the band (here the row itself, as before k0005), a quote whose
    recorded band differs from the band in force shows void and is refused."""
    from datamill.catalog.models import CatalogDataset

    who, ds_id, cust = _world(runtime, tmp_path)
    qid = approved_quote(runtime, who, ds_id, cust, "100000")
    with runtime.session() as s:
        s.get(CatalogDataset, ds_id).price_high = 500000  # type: ignore[union-attr]
    with runtime.session() as s:
        assert band_quotes.get_band_quote(s, who["pm"], qid).status == "void"
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_quote_band_changed"


def test_the_maker_or_a_catalog_manager_withdraws(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    q = _quote(runtime, who["sales"], ds_id, cust).id
    for user, code, err_type in ((who["sales2"], "band_quote_withdrawer", Forbidden),
                                 (who["fin"], "band_quote_withdrawer", Forbidden),
                                 (who["cust"], "role", Forbidden)):
        with runtime.session() as s, pytest.raises(err_type) as err:
            band_quotes.withdraw_band_quote(s, user, q, reason="not mine to keep")
        assert _code(err) == code, user.username
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        band_quotes.withdraw_band_quote(s, who["sales"], q, reason="  ")
    assert _code(err) == "band_withdrawal_reason"
    with runtime.session() as s:
        out = band_quotes.withdraw_band_quote(s, who["sales"], q, reason="customer went away")
        assert (out.status, out.withdrawn_by_name, out.withdraw_reason) == (
            "withdrawn", "sales", "customer went away")
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.band_quote.withdrawn")).one()
        assert (audit.actor_id, audit.object_id, audit.data["was"], audit.data["reason"]) == (
            who["sales"].id, q, "pending", "customer went away")
    with runtime.session() as s, pytest.raises(Conflict) as err:
        band_quotes.decide_band_quote(s, who["pm"], q, decision="approve", reason="ok")
    assert _code(err) == "band_quote_withdrawn" and err.value.details["user"] == "sales"
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust, band_quote_id=q)
    assert _code(err) == "band_quote_withdrawn"
    with pytest.raises(Conflict) as err:  # found by its terms: the withdrawn one says why
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_quote_withdrawn"
    with runtime.session() as s, pytest.raises(Conflict) as err:
        band_quotes.withdraw_band_quote(s, who["pm"], q, reason="again")
    assert _code(err) == "band_quote_withdrawn"
    # an approved quote, withdrawn by a catalog manager; an expired one may be tidied away
    approved = approved_quote(runtime, who, ds_id, cust, "100000")
    with runtime.session() as s:
        assert band_quotes.withdraw_band_quote(s, who["pm"], approved,
                                               reason="terms renegotiated").status == "withdrawn"
        assert s.scalar(select(func.count()).select_from(LedgerApproval)) == 1
    with pytest.raises(Conflict) as err:
        _issue(runtime, who["sales"], ds_id, cust)
    assert _code(err) == "band_quote_withdrawn"
    old = _quote(runtime, who["sales"], ds_id, cust, price="95000").id
    _expire(runtime, old)
    with runtime.session() as s:
        band_quotes.withdraw_band_quote(s, who["sales"], old, reason="expired anyway")
    # used and rejected quotes are final
    used = approved_quote(runtime, who, ds_id, cust, "100000")
    _issue(runtime, who["sales"], ds_id, cust)
    rejected = _quote(runtime, who["sales"], ds_id, cust, price="85000").id
    with runtime.session() as s:
        band_quotes.decide_band_quote(s, who["fin"], rejected, decision="reject", reason="no")
    for qid, status in ((used, "used"), (rejected, "rejected")):
        with runtime.session() as s, pytest.raises(Conflict) as err:
            band_quotes.withdraw_band_quote(s, who["sales"], qid, reason="too late")
        assert _code(err) == "band_quote_final" and err.value.details["status"] == status


def test_withdrawal_decision_and_licence_at_once_leave_one_outcome(runtime: Runtime,
                                                                   tmp_path: Path) -> None:
    """On a pending quote: two withdrawals (its maker, a catalog manager), two approvals
    (finance, an administrator) and two licences at once. On an approved quote: withdrawals,
    licences and band changes at once. Whatever order they land in, the quote's state, the
    approval rows, the licences and the audit trail tell one story, and every loser is a
    coded refusal (no server error)."""
    from tests.known_issues.test_trial_h1_licence_race import _race

    who, ds_id, cust = _world(runtime, tmp_path)
    q = _quote(runtime, who["sales"], ds_id, cust).id
    kinds = ("withdraw", "decide", "licence")

    def act(s: Session, i: int) -> None:
        kind = kinds[i % 3]
        if kind == "withdraw":
            band_quotes.withdraw_band_quote(s, (who["sales"], who["pm"])[i // 3], q,
                                            reason=f"withdrawer {i}")
        elif kind == "decide":
            band_quotes.decide_band_quote(s, (who["fin"], who["admin"])[i // 3], q,
                                          decision="approve", reason=f"decider {i}")
        else:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="100000", **{**TERMS, "territory": f"region {i}"})

    got = _race(runtime, act)
    assert all(g == "ok" or g.startswith(("Conflict: ", "Forbidden: ")) for g in got), got
    ok = {k: sum(1 for i, g in enumerate(got) if g == "ok" and kinds[i % 3] == k)
          for k in kinds}
    with runtime.session() as s:
        row = s.get(CatalogBandQuote, q)
        assert row is not None
        lics = s.scalars(select(CatalogLicence)).all()
        steps = s.scalars(select(LedgerApproval)).all()
        acts = s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "catalog_band_quote")).all()
    assert ok["withdraw"] <= 1 and ok["decide"] <= 1 and ok["licence"] <= 1, got
    assert len(steps) == ok["decide"] and acts.count("catalog.band_quote.approved") == ok[
        "decide"]
    assert acts.count("catalog.band_quote.withdrawn") == ok["withdraw"]
    assert len(lics) == ok["licence"]
    if row.status == "withdrawn":
        assert ok["withdraw"] == 1 and not lics and row.licence_id is None, got
    elif row.status == "used":
        assert ok == {"withdraw": 0, "decide": 1, "licence": 1}, got
        assert row.licence_id == lics[0].id
    else:
        assert (row.status, ok) == ("approved", {"withdraw": 0, "decide": 1, "licence": 0}), got

    # an approved quote: withdrawals, licences and band changes at once
    q = approved_quote(runtime, who, ds_id, cust, "90000")
    kinds2 = ("withdraw", "licence", "band")

    def act2(s: Session, i: int) -> None:
        kind = kinds2[i % 3]
        if kind == "withdraw":
            band_quotes.withdraw_band_quote(s, (who["sales"], who["pm"])[i // 3], q,
                                            reason=f"withdrawer {i}")
        elif kind == "licence":
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="90000", **{**TERMS, "territory": f"area {i}"})
        else:
            datasets.update_dataset(s, who["pm"], ds_id, price_low=f"{150000 + i}")

    got = _race(runtime, act2)
    assert all(g == "ok" or g.startswith(("Conflict: ", "Forbidden: ")) for g in got), got
    ok = {k: sum(1 for i, g in enumerate(got) if g == "ok" and kinds2[i % 3] == k)
          for k in kinds2}
    assert ok["band"] == 2, got  # a band change always goes through
    with runtime.session() as s:
        row = s.get(CatalogBandQuote, q)
        assert row is not None
        lics = s.scalars(select(CatalogLicence).where(CatalogLicence.price == 90000)).all()
        acts = s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "catalog_band_quote", AuditRecord.object_id == q)).all()
    assert ok["withdraw"] + ok["licence"] <= 1, got
    assert len(lics) == ok["licence"] and acts.count("catalog.band_quote.withdrawn") == ok[
        "withdraw"]
    assert acts.count("catalog.band_quote.voided") == (row.status == "void")
    assert row.status == {(1, 0): "withdrawn", (0, 1): "used", (0, 0): "void"}[
        (ok["withdraw"], ok["licence"])], (row.status, got)
