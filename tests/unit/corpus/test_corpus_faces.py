"""``datamill corpus select`` and ``POST /api/v1/corpus/select``: same service, JSON in every
case, clear 413/422 problems, allowed to project designers only."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.cli.test_cli import run

API = "/api/v1/corpus/select"
PROBLEM = "application/problem+json"
POOL_ZH = ["今天天气很好，我们去公园散步吧。", "他在银行工作了三年。", "小明喜欢在周末读书和画画。",
           "这里的风景非常美丽，吸引了很多游客。", "我有3个苹果。", "你好。",
           "今天天气很好，我们去公园散步吧！"]


def test_cli_select_writes_prompts_json_and_report(tmp_path: Path) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("\n".join(POOL_ZH) + "\n", encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("# sensitive\n银行\n", encoding="utf-8")
    out = tmp_path / "out" / "chosen.txt"
    proc = run(tmp_path / "home", "corpus", "select", str(pool), "--lang", "zh", "--n", "2",
               "--units", "syllable,diphone:0.5", "--sensitive", str(words), "--out", str(out),
               "--report", str(tmp_path / "report.html"), "--json")
    got = json.loads(proc.stdout)
    assert len(got["chosen"]) == 2
    assert out.read_text(encoding="utf-8").splitlines() == [c["text"] for c in got["chosen"]]
    assert got["pool"]["rejected_by_reason"] == {"digits": 1, "duplicate": 1, "sensitive": 1,
                                                 "too_short": 1}
    details = json.loads((tmp_path / "out" / "chosen.json").read_text(encoding="utf-8"))
    assert details["chosen"][0]["units"]["syllable"]
    assert {r["line"] for r in details["rejected"]} == {2, 5, 6, 7}
    assert set(details["curves"]) == {"syllable", "diphone"}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and 'class="chosen"' in html and 'class="random"' in html
    # human output too
    human = run(tmp_path / "home", "corpus", "select", str(pool), "--lang", "zh", "--n", "1",
                "--out", str(tmp_path / "o2.txt"))
    assert "1 prompt chosen from 7 sentences" in human.stdout  # a count of one: singular


@pytest.mark.parametrize(("args", "code"), [
    (["--lang", "fr"], "invalid_input"),
    (["--units", "syllable"], "invalid_input"),  # not an English kind
    (["--n", "0"], "invalid_input"),
])
def test_cli_errors_are_json(tmp_path: Path, args: list[str], code: str) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("The dog ran home fast.\n", encoding="utf-8")
    base = ["corpus", "select", str(pool), "--lang", "en", "--out", str(tmp_path / "o.txt")]
    proc = run(tmp_path / "home", *base, *args, "--json", ok=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == code
    missing = run(tmp_path / "home", "corpus", "select", str(tmp_path / "nope.txt"), "--json",
                  ok=False)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["field"] == "pool"


def test_cli_reads_a_gbk_pool_when_told(tmp_path: Path) -> None:
    pool = tmp_path / "pool.txt"  # what a Chinese Windows editor saves
    pool.write_bytes(("\n".join(POOL_ZH) + "\n").encode("gbk"))
    base = ["corpus", "select", str(pool), "--n", "2", "--out", str(tmp_path / "o.txt"), "--json"]
    refused = run(tmp_path / "home", *base, ok=False)
    assert refused.returncode == 2
    assert "--encoding gbk" in json.loads(refused.stdout)["error"]["message"]
    got = json.loads(run(tmp_path / "home", *base, "--encoding", "gbk").stdout)
    assert got["chosen"] and got["chosen"][0]["text"] in POOL_ZH


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_select_from_sentences_and_from_pool_text(client: TestClient) -> None:
    pm = _login(client, "pm")
    r = client.post(API, headers=pm, json={"lang": "zh", "n": 2, "sentences": POOL_ZH,
                                           "units": {"syllable": 1, "initial": 2}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["chosen"]) == 2 and body["pool"]["eligible"] == 4
    assert set(body["coverage"]) == {"syllable", "initial"}
    assert len(body["curves"]["syllable"]["random"]) == 2
    same = client.post(API, headers=pm, json={"lang": "zh", "n": 2, "pool_text": "\n".join(POOL_ZH),
                                              "units": {"syllable": 1, "initial": 2}})
    assert same.json() == body


def test_api_errors_are_problems(client: TestClient) -> None:
    pm = _login(client, "pm")
    for payload, status in [
        ({"lang": "zh", "n": 2}, 422),  # no pool
        ({"lang": "zh", "sentences": [], "pool_text": "x"}, 422),  # both
        ({"lang": "zh", "sentences": ["  "]}, 422),  # empty after trimming
        ({"lang": "en", "sentences": ["The dog ran home."], "units": {"syllable": 1}}, 422),
        ({"lang": "fr", "sentences": ["x"]}, 422),
        ({"lang": "en", "sentences": ["x" * 1001]}, 422),
        ({"lang": "en", "n": 0, "sentences": ["The dog ran home."]}, 422),
    ]:
        r = client.post(API, headers=pm, json=payload)
        assert r.status_code == status, (payload, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
    big = {"lang": "en", "pool_text": "The dog ran home.\n" * 130_000}
    r = client.post(API, headers=pm, json=big)
    assert r.status_code == 413 and r.headers["content-type"].startswith(PROBLEM)
    assert client.post(API, json={"lang": "en", "sentences": ["a b c"]}).status_code == 401
    assert client.post(API, headers=_login(client, "ann1"),
                       json={"lang": "en", "sentences": ["a b c"]}).status_code == 403


def test_web_page_upload_weights_and_errors(client: TestClient) -> None:
    from tests._api import web_sign_in as _sign_in

    csrf = _sign_in(client, "pm")
    page = client.get("/corpus")
    assert page.status_code == 200 and 'data-testid="corpus-form"' in page.text
    form = {"csrf_token": csrf, "lang": "zh", "n": "2", "units": ["syllable", "final"],
            "w_final": "2.5", "sensitive": "银行\n"}
    pool = ("\n".join(POOL_ZH)).encode("utf-8")
    r = client.post("/corpus", data=form, files={"pool_file": ("pool.txt", pool, "text/plain")})
    assert r.status_code == 200, r.text
    assert r.text.count('class="coverage-chart"') == 2
    assert 'data-code="sensitive"' in r.text and 'data-code="duplicate"' in r.text
    assert 'name="w_final" value="2.5"' in r.text  # the form keeps what was asked
    gbk = ("\n".join(POOL_ZH)).encode("gbk")  # a Chinese pool saved by a Windows editor
    r = client.post("/corpus", data=form, files={"pool_file": ("pool.txt", gbk, "text/plain")})
    assert r.status_code == 200 and 'data-code="sensitive"' in r.text, r.text
    bad = client.post("/corpus", data=form, files={"pool_file": ("p.txt", b"\xff\xfe\x00", "text/plain")})
    assert bad.status_code == 422 and 'data-testid="corpus-error"' in bad.text
    empty = client.post("/corpus", data={**form, "pool_text": "\n \n"})
    assert empty.status_code == 422 and "empty" in empty.text
    no_csrf = client.post("/corpus", data={**form, "csrf_token": "nope", "pool_text": "x"})
    assert no_csrf.status_code == 403


def test_web_page_words_reasons_in_chinese(client: TestClient) -> None:
    """zh-CN: the reasons' details were English ('2 characters < 4', 'line 1'), Latin letters
    were '生僻字符', and reasons were joined by a half-width '; '."""
    from tests._api import web_sign_in as _sign_in

    csrf = _sign_in(client, "pm")
    client.cookies.set("lang", "zh-CN")
    pool = "\n".join([*POOL_ZH, "好。", "我们用WiFi连接打印机。", "GPS好。"])
    r = client.post("/corpus", data={"csrf_token": csrf, "lang": "zh", "n": "2",
                                      "units": ["syllable"], "pool_text": pool})
    assert r.status_code == 200, r.text
    found = re.findall(r'<span class="reason" data-code="(\w+)"[^>]*>([^<]*)</span>',
                       html.unescape(r.text))
    assert ("too_short", "过短：1 个汉字，少于 4 个") in found
    assert ("duplicate", "重复于：第 1 行") in found
    assert ("latin", "含拉丁字母（读法不确定）：WiFi") in found
    assert "rare_char" not in {code for code, _ in found}
    page = html.unescape(r.text)  # "GPS好。": two reasons, one full-width separator
    assert "过短：1 个汉字，少于 4 个</span>；<span" in page and "</span>; <span" not in page


@pytest.mark.slow  # ~2 s to start the worker process
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no database in the question
def test_api_select_runs_in_a_worker_process_with_the_same_report(client: TestClient) -> None:
    """The analysis and the selection are pure Python (a 10,000-sentence pool: 17 s); in the
    web worker's thread they took the interpreter lock from its every other request
    (``GET /readyz`` p50 35 ms, max 1.1 s, 53 answers in 15 s). They now run in the warm
    worker process of ``engine.local.run_apart``: the same report."""
    import multiprocessing

    from datamill.corpus.analysis import Filters
    from datamill.corpus.design import DesignOptions, design_corpus
    from datamill.engine.local import shutdown_pools

    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    r = client.post(API, headers=_login(client, "pm"),
                    json={"lang": "zh", "n": 2, "sentences": POOL_ZH})
    assert r.status_code == 200, r.text
    assert [p for p in multiprocessing.active_children() if p.pid not in before], \
        "the pool was analysed in the web worker's own process"
    here = design_corpus(POOL_ZH, DesignOptions(
        lang="zh", n=2, units={"syllable": 1.0, "diphone": 1.0}, filters=Filters(
            max_char_rank=4500, near_duplicate=0.8)))
    assert r.json() == json.loads(json.dumps(here))
