"""Trial h6 (round 3): the quota table said "1 speakers" (web and CLI) and, on a zh-CN page,
"1 speakers" in English; the corpus designer read "1 prompts chosen from 1 sentences". A count
of one is singular in English and every unit is worded in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.cli._words import say_count
from datamill.collection import staff
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests._cli import run_cli
from tests.unit.collection.helpers import collect_spec


def _cells(page: str) -> str:
    rows = re.findall(r"<tr data-testid=\"quota-cell\".*?</tr>", page, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", r) for r in rows)


def test_quota_and_corpus_counts_read_right(runtime: Runtime, users: dict[str, User]) -> None:
    spec = collect_spec("plurals", cells=[
        {"name": "women", "gender": "female", "speakers": 1, "hours": 1, "items": 1},
        {"name": "men", "gender": "male", "speakers": 2, "hours": 0.5, "items": 3}])
    with runtime.session() as s:
        pid = create_project(s, spec).id
        add_member(s, pid, users["pm"], actor_id=None)
        staff.set_consent_text(s, s.merge(users["pm"]), pid, "I agree.")
        s.commit()
    with TestClient(create_app(runtime)) as c:
        csrf = web_sign_in(c, "pm")
        en = _cells(c.get(f"/projects/{pid}").text)
        assert all(re.search(rf"\b1 {w}\b", en) for w in ("speaker", "hour", "item")), en
        assert "1 speakers" not in en and "1 items" not in en and "1 hours" not in en
        assert "2 speakers" in en and "0.5 hours" in en and "3 items" in en
        zh = _cells(c.get(f"/projects/{pid}", headers={"Accept-Language": "zh-CN"}).text)
        assert not re.search(r"[A-Za-z]{3,}", zh.replace("women", "").replace("men", "")), zh
        if "postgresql" not in str(runtime.settings.database_url):  # once: 3 s of dictionary
            page = c.post("/corpus", data={"lang": "en", "n": "1", "csrf_token": csrf,
                                           "pool_text": "The cat sat on the mat."}).text
            summary = re.search(r'data-testid="corpus-summary">([^<]*)', page)
            assert summary is not None and summary.group(1).startswith(
                "1 prompt chosen from 1 sentence ("), page
    assert say_count("corpus.chosen", 1) == "1 prompt chosen"  # the CLI's corpus select
    env = {"DATAMILL_DATABASE_URL": str(runtime.settings.database_url)}
    table = run_cli(runtime.settings.home, "collect", "quotas", str(pid), "--as", "pm",
                    **env).stdout
    assert re.search(r"\b1 speaker\b", table) and "1 speakers" not in table, table
    assert re.search(r"\b1 item\b", table) and "1 items" not in table, table


def test_corpus_select_speaks_chinese(tmp_path: Path) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("今天天气很好，我们去公园散步吧。\n你好。\n他在银行工作了三年。\n", encoding="utf-8")
    said = run_cli(tmp_path / "home", "corpus", "select", str(pool), "--lang", "zh", "--n", "1",
                   "--out", str(tmp_path / "out.txt"), DATAMILL_LANG="zh-CN").stdout
    assert said.startswith("选出 1 句提示语，候选 3 句"), said
    assert "平均可读性" in said and "剔除" in said, said
    assert not re.search(r"rejected|available units|readability|chosen", said), said
