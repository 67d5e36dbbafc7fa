"""Debt from the note-validation round: out-of-band quotes (request, decision, withdrawal, a
licence's band reason) and ledger contracts (approval, amendment, cancellation) checked their
reasons only in the API bodies and web forms. Through the library or the CLI a reason with a
NUL was stored on SQLite and failed inside the driver on PostgreSQL, and a reason of any length
was kept. The services now call the note validator themselves: the same refusal on every face
and both backends."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import band_quotes
from datamill.catalog.models import CatalogBandQuote
from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    cancel_contract,
    draft_contract,
)
from datamill.ledger.models import LedgerContractChange
from datamill.ledger.orders import create_customer
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h3_contract_cancel_approvals import _signed
from tests.unit.catalog.test_band_quotes import WHY, _quote, _world
from tests.unit.ledger.helpers import make_approvers

NUL = "tender won\x00 at 3 lots"
LONG = "x" * 5001


def _refused(call: Any, *, code: str | None = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.details.get("field") in {"reason", "band_reason"}, err.value.details
    if code is not None:
        assert err.value.details["reason_code"] == code
    return err.value


def test_band_quote_reasons_are_checked_by_the_service(runtime: Runtime, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    who, ds_id, cust = _world(runtime, tmp_path)
    with runtime.session() as s:
        for reason in (NUL, LONG, "why\u202etcejer"):
            _refused(lambda r=reason: band_quotes.request_band_quote(
                s, who["sales"], dataset_id=ds_id, customer_id=cust, price="100000", reason=r))
        assert s.scalar(select(CatalogBandQuote.id)) is None
    long_one = _refused(lambda: _quote(runtime, who["sales"], ds_id, cust, reason=LONG),
                        code="note_too_long")
    zh = word_reason(long_one.details, "zh-CN")
    assert zh is not None and "5000" in zh and "您" in zh
    q = _quote(runtime, who["sales"], ds_id, cust, reason=WHY)
    with runtime.session() as s:
        _refused(lambda: band_quotes.decide_band_quote(s, who["pm"], q, decision="approve",
                                                       reason="ok\x00"))
        _refused(lambda: band_quotes.decide_band_quote(s, who["pm"], q, decision="reject",
                                                       reason="y" * 2001), code="note_too_long")
        _refused(lambda: band_quotes.withdraw_band_quote(s, who["sales"], q, reason="gone\x00"))
        assert s.get(CatalogBandQuote, q).status == "pending"  # type: ignore[union-attr]
    # the CLI answers as the API does: a coded refusal, nothing stored
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["catalog", "band-quote", str(ds_id), str(cust), "--price",
                                 "90000", "--reason", "y" * 5001, "--as", "sales", "--json"])
    assert r.exit_code != 0
    assert json.loads(r.stdout)["error"]["reason_code"] == "note_too_long"


def test_contract_reasons_are_checked_by_the_service(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-N1")
        cust = create_customer(s, "cust-d", customer_type="big_tech", country="CN")
        draft = draft_contract(s, "K-N2", customer_id=cust.id, amount=Decimal(5000),
                               actor_id=ap["dept_manager"]).id
        _refused(lambda: approve_contract(s, draft, ap["finance_reviewer"], "price",
                                          decision="reject", reason="no\x00"))
        _refused(lambda: approve_contract(s, draft, ap["finance_reviewer"], "price",
                                          decision="reject", reason="n" * 4001),
                 code="note_too_long")
        _refused(lambda: amend_contract(s, k, "120000", reason="more\x00", on=date(2018, 3, 1)))
        _refused(lambda: amend_contract(s, k, "120000", reason="m" * 4001,
                                        on=date(2018, 3, 1)), code="note_too_long")
        _refused(lambda: cancel_contract(s, k, on=date(2018, 3, 1), reason="stop\x00"))
        assert s.scalar(select(LedgerContractChange.id)) is None
