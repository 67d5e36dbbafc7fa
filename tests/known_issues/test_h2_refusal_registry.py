"""One registry words every coded refusal (an error's ``reason_code``) for every face.

On the old code two mechanisms worded coded refusals: the problem catalogue (a modality's
``problems``) and ``paid_once.REFUSAL_WORDS``, which the API and the sheets page called as a
special case; the web pages kept tables of their own, the generic web error page worded only
the permission refusals, and the CLI worded nothing. ``sheet_cost_not_booked`` (and nine other
codes) had no Chinese at all, and a review rejection or a customer's rejection came back to the
annotator with no ``return_code``. Now :data:`datamill.modalities.problem_words.REASON_WORDS`
words every code raised in ``src`` in English and zh-CN, and the API (``Accept-Language``),
the web (the ``lang`` cookie; the generic error page too) and the CLI (``DATAMILL_LANG``;
``--json`` keeps ``message`` and ``reason_code``) all word from it.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import select

import datamill
from datamill import paid_once
from datamill.compliance.models import User
from datamill.http_deps import SessionDep
from datamill.ledger.events import sync_ledger
from datamill.modalities.problem_words import REASON_WORDS, word_reason
from datamill.production.delivery import deliver_batch, reject_delivery
from datamill.production.inspection import create_batch
from datamill.production.models import TaskAssignment
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.routes._common import HtmlRoute
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.known_issues.test_trial11_sheet_paid_once import _world
from tests.unit.api.test_web_text_llm_review import (
    _annotate_all,
    _review_task,
    _span,
    _text,
    _text_project,
)
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

SRC = Path(datamill.__file__).resolve().parent
_RAISED = re.compile(r'reason_code\s*=\s*"([a-z0-9_]+)"|"reason_code":\s*"([a-z0-9_]+)"'
                     r'|\bRefusal\(\s*"([a-z0-9_]+)"|\b(?:PAID_BY_[A-Z]+)\s*=\s*"([a-z_]+)"')
NOT_BOOKED_EN = "Sheet WF-T11 cannot be settled"
NOT_BOOKED_ZH = "结算单 WF-T11 暂不能结算"


def _raised_codes() -> set[str]:
    """The codes the source raises (doctest lines aside: their codes are examples)."""
    return {next(g for g in m.groups() if g)
            for path in SRC.rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith((">>>", "..."))
            for m in _RAISED.finditer(line)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _derived(code: str, lang: str, names: set[str]) -> set[str]:
    """The values a code's value hook adds from ``names`` when it is worded in ``lang``
    (``own_approval``'s ``done``, from ``did`` and ``subject``)."""
    from datamill.modalities.problem_words import _REASON_VALUES

    hook = _REASON_VALUES.get(code)
    return set(hook({n: f"<{n}>" for n in names}, lang)) - names if hook else set()


def test_every_reason_code_raised_in_src_is_worded_in_english_and_chinese() -> None:
    codes = _raised_codes()
    assert {"paid_by_sheet", "paid_by_claims", "sheet_cost_not_booked", "role",
            "invalid_link", "no_budget"} <= codes, codes  # the grep finds each way of raising
    assert paid_once.REFUSAL_WORDS  # imported: its words are registered
    missing = {lang: sorted(codes - set(REASON_WORDS[lang])) for lang in ("en", "zh-CN")}
    assert missing == {"en": [], "zh-CN": []}
    for code in sorted(codes):
        en, zh = REASON_WORDS["en"][code], REASON_WORDS["zh-CN"][code]
        # the Chinese may leave a value unsaid, or say one its value hook words from others
        assert _fields(zh) <= _fields(en) | _derived(code, "zh-CN", _fields(en)), code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), code
        details = {"reason_code": code, **{f: f"<{f}>" for f in _fields(en)}}
        for lang in ("en", "zh-CN"):
            said = word_reason(details, lang)
            assert said is not None and not re.search(r"[{}]", said), (code, lang, said)


def test_the_web_catalogue_takes_the_refusals_words_from_the_registry() -> None:
    from datamill.web.i18n import t

    for lang in ("en", "zh-CN"):
        assert t("collect.err.expired", lang) == REASON_WORDS[lang]["expired"]
        assert t("fin.reason.no_budget", lang) == REASON_WORDS[lang]["no_budget"]


@pytest.fixture
def unbooked(runtime: Runtime, users: dict[str, User]) -> int:
    """A confirmed sheet whose cost the ledger refused (over the budget line): not payable."""
    sheet = _world(runtime, users["admin"], "1")
    with runtime.session() as s:
        sync_ledger(s)
    return sheet


def test_an_unbooked_sheet_is_worded_by_the_api_in_both_languages(
    runtime: Runtime, unbooked: int
) -> None:
    with TestClient(create_app(runtime)) as c:
        got = {lang: c.post(f"{API}/settlements/{unbooked}/settle",
                            headers={**login(c, "admin"), "Accept-Language": lang},
                            json={"reference": "BANK-H2"}) for lang in ("en", "zh-CN")}
    en, zh = got["en"].json(), got["zh-CN"].json()
    assert got["en"].status_code == got["zh-CN"].status_code == 409
    assert en["reason_code"] == zh["reason_code"] == "sheet_cost_not_booked"
    assert en["detail"].startswith(NOT_BOOKED_EN) and "message_en" not in en
    assert zh["detail"].startswith(NOT_BOOKED_ZH), zh
    assert zh["message_en"] == en["detail"]


def test_an_unbooked_sheet_is_worded_on_the_sheets_page_in_both_languages(
    runtime: Runtime, unbooked: int
) -> None:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "admin")
        for lang, said in (("zh-CN", NOT_BOOKED_ZH), ("en", NOT_BOOKED_EN)):
            c.cookies.set("lang", lang)
            r = c.post(f"/workforce/sheets/{unbooked}/settle",
                       data={"reference": "BANK-H2", "csrf_token": csrf_of(c)},
                       follow_redirects=False)
            assert r.status_code == 409, r.text
            assert said in r.text, (lang, r.text[-2000:])


def _app_paying_through_a_page(runtime: Runtime) -> TestClient:
    """The real app plus one page (a real HtmlRoute over the real service) that pays a sheet:
    a refusal reaches the generic error page."""
    app = create_app(runtime)
    router = APIRouter(route_class=HtmlRoute)

    @router.get("/h2-pay/{sheet_id}")
    def pay(sheet_id: int, session: SessionDep) -> str:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        paid_once.pay_sheet(session, admin, sheet_id, reference="BANK-H2")
        return "paid"

    app.router.routes[:0] = router.routes  # before any catch-all
    return TestClient(app, raise_server_exceptions=False)


def _error_message(html: str) -> str:
    m = re.search(r'data-testid="error-message"[^>]*>([^<]*)<', html)
    assert m, html[-3000:]
    return m.group(1).strip()


def test_the_generic_error_page_shows_the_worded_refusal(
    runtime: Runtime, unbooked: int
) -> None:
    with _app_paying_through_a_page(runtime) as c:
        c.cookies.set("lang", "zh-CN")
        r = c.get(f"/h2-pay/{unbooked}", headers={"Accept": "text/html"})
        assert r.status_code == 409, r.text
        assert _error_message(r.text).startswith(NOT_BOOKED_ZH)
        assert NOT_BOOKED_EN in r.text  # the English original, shown below
        c.cookies.set("lang", "en")
        r = c.get(f"/h2-pay/{unbooked}", headers={"Accept": "text/html"})
        assert _error_message(r.text).startswith(NOT_BOOKED_EN)


def test_the_cli_words_a_coded_refusal_in_datamill_lang(
    runtime: Runtime, unbooked: int
) -> None:
    def settle(*more: str, lang: str = "en") -> tuple[int, str]:
        r = run_cli(runtime.settings.home, "workforce", "sheet-settle", str(unbooked),
                    "BANK-H2", "--as", "admin", *more, ok=False,
                    DATAMILL_DATABASE_URL=str(runtime.settings.database_url),
                    DATAMILL_LANG=lang)
        return r.returncode, r.stdout + (r.stderr or "")

    code, out = settle(lang="zh-CN")
    assert code != 0 and NOT_BOOKED_ZH in out and NOT_BOOKED_EN not in out, out
    code, out = settle()
    assert code != 0 and NOT_BOOKED_EN in out, out
    code, out = settle("--json", lang="zh-CN")
    error = json.loads(out)["error"]
    assert error["reason_code"] == "sheet_cost_not_booked", error
    assert error["message"].startswith(NOT_BOOKED_EN), error
    assert error["detail"].startswith(NOT_BOOKED_ZH), error
    code, out = settle("--json")
    assert "detail" not in json.loads(out)["error"]


def test_the_cli_words_a_permission_refusal_in_chinese(runtime: Runtime,
                                                       users: dict[str, User]) -> None:
    r = run_cli(runtime.settings.home, "user", "create", "h2x", "--role", "annotator",
                "--password", "password1", "--as", "ann1", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url), DATAMILL_LANG="zh")
    assert r.returncode != 0
    assert "您的角色不能管理用户。" in r.stdout + (r.stderr or ""), r.stdout


# --- the returns: a review's and the customer's rejection carry a code -----------------------


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _returned(runtime: Runtime, item_id: int | None = None) -> list[TaskAssignment]:
    with runtime.session() as s:
        rows = s.scalars(select(TaskAssignment).where(TaskAssignment.status == "returned")
                         .order_by(TaskAssignment.id)).all()
        s.expunge_all()
        return list(rows)


def test_a_review_rejection_comes_back_coded_and_in_the_annotators_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path / "text")
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    task_id, _item = _review_task(runtime, users, pid)
    token = _sign_in(client, "rev")
    client.cookies.set("lang", "en")  # the reviewer works in English
    r = client.post(f"/review/{task_id}", data={
        "csrf_token": token, "verdict": "reject", "reason_code": "missing_spans",
        "reason_text": "张三"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    back = _returned(runtime)
    assert back and back[0].return_code == "review_rejected"
    assert back[0].return_params == {"reason": "Entities missing: 张三",
                                     "reason_code": "missing_spans", "note": "张三"}
    _sign_in(client, "ann1")
    client.cookies.set("lang", "zh-CN")
    home = client.get("/").text
    shown = re.findall(r'data-testid="return-reason">([^<]*)<', home)
    assert shown and "审核：实体缺失：张三" in shown[0], shown


def test_a_review_rejection_through_the_api_is_coded_too(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path / "text")
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    task_id, _item = _review_task(runtime, users, pid)
    r = client.post(f"{API}/tasks/{task_id}/review", headers=login(client, "rev"),
                    json={"verdict": "reject", "reason": "a name is missing"})
    assert r.status_code == 200, r.text
    back = _returned(runtime)
    assert back[0].return_code == "review_rejected"
    assert back[0].return_params == {"reason": "a name is missing"}


def test_a_customer_rejection_comes_back_coded(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out", formats=["kaldi"])
        reject_delivery(s, d.id, reason="第 3 条漏字")
    back = _returned(runtime)
    assert back and {a.return_code for a in back} == {"customer_rejected"}
    assert back[0].return_params == {"delivery_id": d.id, "batch": batch.name,
                                     "reason": "第 3 条漏字"}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "ann1")
        client.cookies.set("lang", "zh-CN")
        home = client.get("/").text
        assert f"交付 {d.id}（{batch.name}）被客户拒收：第 3 条漏字" in home
