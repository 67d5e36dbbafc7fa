"""User trial (PM and finance controller): the finance lead who reopened a closed month
confirmed its re-run herself, a self-approval of her own reopening. Now the reopener never
confirms the re-close (reason ``own_approval``, as the ledger's approval chains), nor does the
re-runner (as before); a third person does.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.ledger.models import LedgerPeriodClose
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.period_reopen import reopen_period
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.ledger.helpers import budgeted_custom_order


def test_the_reopener_does_not_confirm_the_rerun(runtime: Runtime) -> None:
    with runtime.session() as s:
        budgeted_custom_order(s, "reo", "reo")
        ap = {u.username.removeprefix("ap-"): u.id
              for u in s.scalars(select(User).where(User.username.startswith("ap-")))}
        head = s.get(User, ap["finance_head"])
        assert head is not None
        close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-03", reviewer_id=ap["finance_manager"])
        reopen_period(s, head, "2018-03", "late vendor invoice")
        close_period(s, "2018-03", actor_id=ap["finance_reviewer"], rerun=True)
        with pytest.raises(Forbidden) as no:  # the trial: the reopener confirmed her own close
            confirm_period(s, "2018-03", reviewer_id=ap["finance_head"])
        assert no.value.details["reason_code"] == "own_approval"
        assert no.value.details["did"] == "reopened"
        assert head.username in str(no.value)
        assert word_reason(no.value.details, "zh-CN") is not None
        row = s.scalars(select(LedgerPeriodClose)).one()
        assert row.status == "prepared" and row.reviewed_by is None
        assert confirm_period(s, "2018-03", reviewer_id=ap["cfo"]).status == "closed"
    with TestClient(create_app(runtime)) as c:
        auth = login(c, "ap-cfo")
        r = c.post(f"{API}/ledger/periods/2018-03/reopen", headers=auth, json={"reason": "x"})
        assert r.status_code == 200, r.text
        r = c.post(f"{API}/ledger/periods/2018-03/close", headers=login(c, "ap-finance_head"),
                   json={"rerun": True})
        assert r.status_code == 200, r.text
        r = c.post(f"{API}/ledger/periods/2018-03/confirm", headers=auth)
        assert r.status_code == 403 and r.json()["reason_code"] == "own_approval", r.text
