"""A zh-CN reader still met English (h2's walk): a contract's history on its page and in
``ledger contract-history`` (a record that was no contract step showed its last code part,
"set"; the CLI printed the raw action code), the CLI's amendment and cancellation lines in
``ledger contract-show``, audit actions no table worded (``user.role_changed`` shown as its
code on /audit in both languages) and ``db-upgrade``'s line. Each face now words them in the
reader's language, the code kept beside the words where people search by it."""

from __future__ import annotations

import ast
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import datamill
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.record_words import ACTION_WORDS, action_word
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    draft_contract,
    sign_contract,
)
from datamill.ledger.orders import create_customer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests._cli import run_cli
from tests.unit.ledger.helpers import make_approvers

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def _audited_actions() -> set[str]:
    """Every audit action the package writes by a literal code (``record_audit(action=...)``)."""
    found = set()
    for path in Path(datamill.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found |= {kw.value.value for kw in node.keywords if kw.arg == "action"
                          and isinstance(kw.value, ast.Constant)
                          and isinstance(kw.value.value, str)}
    return found


def test_every_audit_action_has_words_in_both_languages() -> None:
    actions = _audited_actions()
    assert len(actions) > 150, len(actions)
    for lang in ("en", "zh-CN"):
        missing = sorted(a for a in actions if ACTION_WORDS[lang].get(a, a) == a)
        assert not missing, (lang, missing)
    assert not [w for w in ACTION_WORDS["zh-CN"].values() if re.fullmatch(r"[a-z ._']+", w)]
    # a contract step rejected before h2 was written ``..._rejectd``: still worded
    from datamill.core.contract_step_words import contract_event_word

    assert action_word("ledger.contract.price_rejectd", "zh-CN") == "驳回合同价格"
    assert contract_event_word("ledger.contract.amendment_price_rejectd", "zh-CN") \
        == "金额变更：价格审批已驳回"


def test_the_audit_page_words_a_role_change(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        record_audit(s, actor_id=users["admin"].id, action="user.role_changed",
                     object_type="user", object_id=users["ann1"].id,
                     data={"from": "annotator", "to": "reviewer"})
        record_audit(s, actor_id=users["admin"].id, action="ledger.invoice.reversed",
                     object_type="ledger_order", object_id=1, data={"number": "INV-9"})
    with TestClient(create_app(runtime)) as c:
        web_sign_in(c, "aud")
        for head, words in ((ZH, ("修改用户角色", "红冲发票")), (EN, ("role changed",
                                                                    "invoice reversed"))):
            cells = re.findall(r'data-testid="audit-action">(.*?)</td>',
                               c.get("/audit", headers=head).text, re.DOTALL)
            shown = " | ".join(cells)
            for word, code in zip(words, ("user.role_changed", "ledger.invoice.reversed"),
                                  strict=True):
                # the words, the code beside them (what the filter searches by)
                assert any(word in cell and "<code" in cell and code in cell
                           for cell in cells), (head, shown)


def _contract(runtime: Runtime) -> int:
    """A signed contract with an amendment whose price approval was rejected, and a retention
    period set on it."""
    with runtime.session() as s:
        ids = make_approvers(s)
        fin = create_user(s, "fin", "password1", "finance")
        cust = create_customer(s, "Acme Voice", customer_type="big_tech", country="CN")
        k = draft_contract(s, "K-H2-1", customer_id=cust.id, amount=Decimal("90000"),
                           actor_id=fin.id)
        approve_contract(s, k.id, ids["finance_reviewer"], "price")
        approve_contract(s, k.id, ids["vp"], "signing")
        sign_contract(s, k.id, date(2026, 3, 2), actor_id=fin.id)
        amend_contract(s, k.id, Decimal("60000"), reason="more hours", on=date(2026, 3, 10),
                       actor_id=fin.id)
        approve_contract(s, k.id, ids["finance_manager"], "price", decision="reject",
                         reason="not agreed")
        record_audit(s, actor_id=fin.id, action="retention.period.set",
                     object_type="ledger_contract", object_id=k.id, data={"months": 60})
        s.commit()
        return int(k.id)


def test_a_contract_history_speaks_the_readers_language_on_both_faces(
    runtime: Runtime,
) -> None:
    kid = _contract(runtime)
    url = str(runtime.settings.database_url)
    with TestClient(create_app(runtime)) as c:
        web_sign_in(c, "fin")
        pages = {lang: re.findall(r'data-testid="history-row">(?:<td>[^<]*</td>){2}<td [^>]*>'
                                  r"([^<]*)</td>", c.get(f"/finance/contracts/{kid}",
                                                          headers=head).text)
                 for lang, head in (("zh-CN", ZH), ("en", EN))}
    assert pages["zh-CN"][0] == "起草" and pages["zh-CN"][-1] == "设置保留期", pages
    assert pages["en"][-1] == "retention period set", pages  # was "set", in both languages
    for lang in ("zh-CN", "en"):
        shown = run_cli(runtime.settings.home, "ledger", "contract-history", str(kid), "--as",
                        "fin", DATAMILL_DATABASE_URL=url, DATAMILL_LANG=lang).stdout
        lines = shown.strip().splitlines()
        assert len(lines) == len(pages[lang]), shown
        for line, word in zip(lines, pages[lang], strict=True):  # the page's words, and the code
            assert f" {word}" in line, (lang, line, word)
    zh = run_cli(runtime.settings.home, "ledger", "contract-history", str(kid), "--as", "fin",
                 DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN").stdout
    assert "fin 起草（ledger.contract.created）" in zh, zh
    assert "设置保留期（retention.period.set）" in zh and "：not agreed" in zh, zh
    assert "drafted" not in zh and "retention period" not in zh, zh
    show = run_cli(runtime.settings.home, "ledger", "contract-show", str(kid), "--as", "fin",
                   DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN").stdout
    assert "金额变更 90000.00 → 60000.00（已驳回；价格审批已驳回（ap-finance_manager））" \
           "：more hours" in show, show
    assert "amendment" not in show and "rejected" not in show, show
    en = run_cli(runtime.settings.home, "ledger", "contract-show", str(kid), "--as", "fin",
                 DATAMILL_DATABASE_URL=url, DATAMILL_LANG="en").stdout
    assert "amendment 90000.00 → 60000.00 (rejected; price rejected by ap-finance_manager): " \
           "more hours" in en, en


def test_db_upgrade_speaks_chinese(tmp_path: Path) -> None:
    zh = run_cli(tmp_path / "home", "db-upgrade", DATAMILL_LANG="zh-CN").stdout
    assert "数据库已是最新结构" in zh and "latest schema" not in zh, zh
    en = run_cli(tmp_path / "home", "db-upgrade", DATAMILL_LANG="en").stdout
    assert "database is at the latest schema (nothing to apply)" in en, en


def test_one_overlapped_item_is_singular(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    """"1 item have answers" (the report the API and the CLI give, the dashboard)."""
    from tests.known_issues.test_trial_ner_overlap_qc import TEXTS, _ner, answer_all, ner_project

    pid, people = ner_project(runtime, users, tmp_path / "one", texts={"t1": TEXTS["t1"]})
    for who in people:  # nobody finds an entity: overlapped, nothing to compare
        answer_all(runtime, who, pid, {"t1": _ner([])})
    url = str(runtime.settings.database_url)
    said = run_cli(runtime.settings.home, "quality", "agreement", str(pid), "--json",
                   DATAMILL_DATABASE_URL=url).stdout
    assert "1 item has answers from two or more annotators" in said, said
    with TestClient(create_app(runtime)) as c:
        web_sign_in(c, "pm")
        page = c.get(f"/projects/{pid}", headers=EN).text
        card = re.findall(r'data-testid="agreement-no-units">([^<]*)<', page)
        assert card and card[0].startswith("1 item has answers"), card
        zh = c.get(f"/projects/{pid}", headers=ZH).text
        assert "已有 1 个条目由两人以上标注" in zh


def test_a_pricing_unit_after_one_is_singular_in_english() -> None:
    """The worker's earning lines and the settlement sheet read "1 hours" (a pricing unit:
    hour, item, volume, whose words are plural); Chinese reads the same after any number."""
    from datamill.web.i18n import translator
    from datamill.web.routes._common import code_label
    from datamill.workforce.sheet_print import SHEET_CATALOGUES

    tc = code_label(translator("en"))
    assert [tc("unit", u, "1") for u in ("hour", "item", "volume")] == [
        "hour", "item", "volume unit"]
    assert [tc("unit", u, "2") for u in ("hour", "item", "volume")] == [
        "hours", "items", "volume units"]
    assert SHEET_CATALOGUES["en"]["unit.hours.one"] == "hour"
    zh = code_label(translator("zh-CN"))
    for unit in ("hour", "item", "volume", "hours", "speakers"):
        assert zh("unit", unit, "1") == zh("unit", unit, "2") != unit
        assert SHEET_CATALOGUES["zh-CN"][f"unit.{unit}.one"] == SHEET_CATALOGUES["zh-CN"][
            f"unit.{unit}"]


def test_cli_and_pages_use_one_chinese_term_per_concept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """zh-CN said "3 人" in the CLI and "3 名说话人" on the pages, "3 条" and "3 个条目", 设备
    and 场地设备 for one cost category, 发音人 and 说话人 for one speaker."""
    from datamill.cli._words import code, count_items, say, say_count
    from datamill.config import get_settings
    from datamill.core.unit_words import UNIT_ONE
    from datamill.production.quota_words import QUOTA_WORDS
    from datamill.web.i18n import CATALOGUES, translator
    from datamill.web.routes._common import code_label, counted
    from datamill.workforce.sheet_print import SHEET_CATALOGUES

    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        page, tn = code_label(translator("zh-CN")), counted(translator("zh-CN"))
        web = CATALOGUES["zh-CN"]
        for unit in [*UNIT_ONE, "kchars"]:  # a unit after a number, on every face
            said = {"cli": code("unit", unit), "page": page("unit", unit, "3"),
                    "sheet": SHEET_CATALOGUES["zh-CN"].get(f"unit.{unit}", code("unit", unit)),
                    "quota": QUOTA_WORDS["zh-CN"].get(f"unit.{unit}", code("unit", unit))}
            assert len(set(said.values())) == 1 and unit not in said["cli"], (unit, said)
        assert code("unit", "speakers") == "名说话人" and code("unit", "items") == "个条目"
        for kind in ("speakers", "hours", "items"):  # a quota's amount
            for n in (1, 3):
                assert say_count(f"collect.amount.{kind}", n) == tn(
                    f"collect.quotas_unit.{kind}", n), (kind, n)
        assert count_items(3) == web["dlv.n_items"].format(3) == "3 个条目"
        for category in ("data_service", "labour", "equipment", "other"):  # a cost's category
            assert code("category", category) == page("category", category), category
        for step in ("price", "signing"):  # a contract approval step and its decision
            assert say(f"astep.{step}") == page("astep", step)
        for decision in ("approve", "reject"):
            assert say(f"decision.{decision}") == page("decision", decision)
        for unit in ("hour", "item", "volume"):  # a pricing unit
            assert code("punit", unit) == page("unit", unit), unit
        assert "发音人" not in web["cat.speakers"] + web["collect.quotas_target.speakers"]
    finally:
        get_settings.cache_clear()


def test_the_demo_ends_in_chinese(tmp_path: Path) -> None:
    """``datamill demo`` under zh-CN ended on English: who to sign in as, what to run next
    (each project's own step lines, written by the demo modules, are still English)."""
    r = run_cli(tmp_path / "home", "demo", "--modalities", "text", "--workdir",
                str(tmp_path / "data"), DATAMILL_LANG="zh-CN")
    said = r.stdout
    assert "用户（密码 'datamill-demo'）：admin、pm、alice 和 bob（标注员）" in said, said
    assert "下一步：datamill work next demo-ner --as alice，或 datamill serve" in said, said
    assert "Users (password" not in said and "Next:" not in said, said


def test_agreement_and_item_lines_speak_chinese_in_the_cli(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    """``quality agreement`` under zh-CN named its rounds, the measurement level and the pair
    metric by their codes ("first   0 个单元 (nominal)", "span_f1（首次）"); ``data items``
    showed the summary's keys ("chars=13, preview=…")."""
    from tests.known_issues.test_trial_ner_overlap_qc import TEXTS, _ner, answer_all, ner_project

    pid, people = ner_project(runtime, users, tmp_path / "zh", texts={"t1": TEXTS["t1"]})
    for who in people:
        answer_all(runtime, who, pid, {"t1": _ner([(0, 2, "PER")])})
    url = str(runtime.settings.database_url)
    zh = run_cli(runtime.settings.home, "quality", "agreement", str(pid),
                 DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN").stdout
    assert "轮次：当前（" in zh and "  首次提交 " in zh and "（定类）" in zh, zh
    assert "片段 F1（首次）" in zh and "标注员之间的 片段 F1" in zh, zh
    for english in ("first ", "current", "nominal", "span_f1"):
        assert english not in zh, (english, zh)
    en = run_cli(runtime.settings.home, "quality", "agreement", str(pid),
                 DATAMILL_DATABASE_URL=url, DATAMILL_LANG="en").stdout
    assert "  first   " in en and "(nominal)" in en and "span_f1 first" in en, en
    items = run_cli(runtime.settings.home, "data", "items", str(pid), "--as", "pm",
                    DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN").stdout
    assert "字符数=13、预览=张伟在北京的清华大学工作。" in items, items
    assert "chars=" not in items and "preview=" not in items, items


def test_ledger_customers_and_event_problems_speak_chinese(runtime: Runtime) -> None:
    """``ledger customers`` showed the customer type's code (big_tech) and ``ledger
    event-problems`` the event's code and the stored English reason under zh-CN; the finance
    page words both."""
    from datamill.production.models import DomainEvent
    from datamill.production.projects import create_project
    from tests.unit.cli._text_project import text_spec

    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        create_customer(s, "Acme Voice", customer_type="big_tech", country="CN")
        pid = create_project(s, text_spec("h2-events")).id
        s.add(DomainEvent(type="delivery.accepted", project_id=pid,
                          payload={"delivery_id": 1, "accepted_volume": "3"}))
        s.commit()
    url = str(runtime.settings.database_url)
    home = runtime.settings.home
    run_cli(home, "ledger", "sync", "--as", "fin", DATAMILL_DATABASE_URL=url, ok=False)
    zh = run_cli(home, "ledger", "event-problems", "--as", "fin", DATAMILL_DATABASE_URL=url,
                 DATAMILL_LANG="zh-CN").stdout
    assert "交付已验收" in zh and f"生产项目 {pid} 尚无带履约订单的财务项目" in zh, zh
    assert "delivery.accepted" not in zh and "has no ledger project" not in zh, zh
    en = run_cli(home, "ledger", "event-problems", "--as", "fin", DATAMILL_DATABASE_URL=url,
                 DATAMILL_LANG="en").stdout
    assert "delivery.accepted" in en and "has no ledger project" in en, en
    customers = run_cli(home, "ledger", "customers", "--as", "fin", DATAMILL_DATABASE_URL=url,
                        DATAMILL_LANG="zh-CN").stdout
    assert "Acme Voice 大型科技公司 CN" in customers and "big_tech" not in customers, customers
