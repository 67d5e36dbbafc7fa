"""User trial (PM and finance controller), wording:

1. refusals and confirmations said ``user 7`` where a person is meant: they name the person
   (display name and username), as the approval chains' refusals do;
2. the printed settlement sheet gave its times in UTC (``2026-12-05 14:00 UTC``) while the
   pages and the books' days use the business's time zone: the printed sheet reads the same
   clock, its offset named; "already settled / voided on" names the business day.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.compliance.models import User
from datamill.compliance.people import person_name, user_name
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, NotFound
from datamill.ledger.final_accounts import review_final_accounts
from datamill.runtime import Runtime
from datamill.workforce.settlement import sheet_html
from datamill.workforce.settlement_void import void_sheet
from datamill.workforce.vendors import worker_for_user
from tests._cli import run_cli
from tests.known_issues.test_trial_sheet_html_lang import _sheet
from tests.unit.ledger.helpers import ledger_project, make_approvers


def _user(s: Session, uid: int) -> User:
    user = s.get(User, uid)
    assert user is not None
    return user


def test_refusals_name_the_person_not_a_user_number(runtime: Runtime) -> None:
    with runtime.session() as s:
        make_approvers(s)
        wang = create_user(s, "wang_f", "password1", "project_manager", display_name="王芳")
        assert user_name(wang) == "王芳 (wang_f)" and person_name(s, None) == "user None"
        _pid, lp = ledger_project(s, "names", None, "product_development")
        with pytest.raises(Forbidden) as no:  # the trial: "... user 7 holds no ledger role"
            review_final_accounts(s, lp, reviewer_id=wang.id)
        assert "王芳 (wang_f) holds no ledger approval role" in str(no.value)
        assert f"user {wang.id}" not in str(no.value)
        with pytest.raises(NotFound) as missing:
            worker_for_user(s, wang.id)
        assert str(missing.value).startswith("王芳 (wang_f) is not registered as a worker")


def test_the_cli_names_the_final_accounts_reviewer(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _user(s, ap["finance_reviewer"]).display_name = "李审"
        _pid, lp = ledger_project(s, "names-cli", None, "product_development")
    url = str(runtime.settings.database_url)
    done = run_cli(runtime.settings.home, "ledger", "review-final", str(lp), "--as",
                   "ap-finance_reviewer", DATAMILL_DATABASE_URL=url)
    said = " ".join(done.stdout.split())  # the console wraps long lines
    assert "reviewed by 李审 (ap-finance_reviewer) as finance_reviewer" in said, said
    assert "by user " not in said


def test_the_printed_sheet_uses_the_business_clock(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "Pacific/Guadalcanal")  # UTC+11, no DST
    sheet_id = _sheet(runtime, users)
    with runtime.session() as s:
        admin = _user(s, users["admin"].id)
        out = void_sheet(s, admin, sheet_id, "wrong week")
        assert out.voided_at is not None
        page = sheet_html(s, admin, sheet_id)
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+11:00", page), page
        assert not re.search(r"\d\d:\d\d UTC(?![+-])", page), page
        with pytest.raises(Conflict) as again:
            void_sheet(s, admin, sheet_id, "again")
        assert f"voided on {business_day(out.voided_at)}" in str(again.value)
