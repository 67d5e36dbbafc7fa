"""Application-effect verification on every face: the REST API (who may run and read it, bad
input), the web page (zh-CN: the report, its charts' data, the dashboard's link, a refusal
shown on the page with what was typed) and the CLI (``qc evaluate`` / ``evaluations`` /
``evaluation``, ``--json`` on success and failure, Chinese output)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests._zh_text import half_width_in_chinese
from tests.unit.production.test_effect_evaluation import _text_batch

FLIP = {"t004", "t017"}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_runs_lists_and_guards_evaluations(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id, _ = _text_batch(runtime, users, tmp_path, flip=FLIP, tasks=["classification"])
    url = f"{API}/batches/{batch_id}/effect-evaluations"
    pm, ann, insp = (login(client, u) for u in ("pm", "ann1", "insp"))
    assert client.post(url, json={}, headers=ann).status_code == 403
    for bad in ({"sample": 0}, {"sample": 5001}, {"seed": -1}):
        assert client.post(url, json=bad, headers=pm).status_code == 422, bad
    r = client.post(url, json={"seed": 0}, headers=pm)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["result"]["measure"]["name"] == "macro_f1" and made["sample_size"] == 45
    assert {x["external_id"] for x in made["result"]["second_look"]} >= FLIP
    listed = client.get(url, headers=insp).json()
    assert [e["id"] for e in listed["items"]] == [made["id"]] and listed["total"] == 1
    one = client.get(f"{API}/effect-evaluations/{made['id']}", headers=insp)
    assert one.status_code == 200 and one.json()["result"] == made["result"]
    assert client.get(url, headers=ann).status_code == 403
    with runtime.session() as s:
        create_user(s, "pm2", "password1", "project_manager")  # a member of nothing
    outsider = login(client, "pm2")
    missing = client.get(f"{API}/effect-evaluations/{made['id']}", headers=outsider)
    never = client.get(f"{API}/effect-evaluations/999999", headers=outsider)
    assert missing.status_code == never.status_code == 404  # no probing for ids
    assert missing.json()["detail"].replace(str(made["id"]), "N") == \
        never.json()["detail"].replace("999999", "N")
    assert client.post(url, json={}, headers=outsider).status_code == 404


def test_web_page_in_chinese_runs_shows_and_refuses(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id, _ = _text_batch(runtime, users, tmp_path, flip=FLIP, tasks=["classification"])
    client.cookies.set("lang", "zh-CN")
    csrf = web_sign_in(client, "pm")
    page = client.get(f"/batches/{batch_id}/effect")
    assert page.status_code == 200 and "数据应用效果验证" in page.text and "暂无。" in page.text
    assert 'data-testid="effect-run"' in page.text
    refused = client.post(f"/batches/{batch_id}/effect",
                          data={"sample": "3", "seed": "5", "csrf_token": csrf})
    assert refused.status_code == 422  # too few labelled texts for a classifier: said in Chinese
    said = re.search(r'data-testid="effect-refused">([^<]+)<', refused.text).group(1)  # type: ignore[union-attr]
    assert said.startswith("样本太少") and "现有 3 条" in said
    assert half_width_in_chinese({"refusal": said}) == {}
    assert 'value="3"' in refused.text and 'value="5"' in refused.text  # what was typed stays
    bad = client.post(f"/batches/{batch_id}/effect",
                      data={"sample": "x", "seed": "0", "csrf_token": csrf})
    assert bad.status_code == 422 and "必须是整数" in bad.text
    done = client.post(f"/batches/{batch_id}/effect", data={"sample": "", "seed": "0",
                                                            "csrf_token": csrf},
                       follow_redirects=False)
    assert done.status_code == 303
    report = client.get(done.headers["location"])
    assert "宏平均 F1" in report.text and "建议复查" in report.text
    assert all(x in report.text for x in FLIP)
    data = json.loads(re.search(r'<script type="application/json" id="effect-data">(.*?)</script>',
                                report.text, re.S).group(1))  # type: ignore[union-attr]
    assert set(data["groups"]["class"]) == {"sports", "finance", "weather"}
    project_id = re.search(r'href="/projects/(\d+)"', report.text).group(1)  # type: ignore[union-attr]
    dashboard = client.get(f"/projects/{project_id}")
    assert f'href="/batches/{batch_id}/effect"' in dashboard.text and "应用效果" in dashboard.text
    # an annotator is not offered the form, and cannot post it
    client.cookies.clear()
    client.cookies.set("lang", "zh-CN")
    csrf = web_sign_in(client, "ann1")
    assert client.post(f"/batches/{batch_id}/effect",
                       data={"sample": "", "seed": "0", "csrf_token": csrf}).status_code == 403


def test_cli_evaluates_prints_json_and_speaks_chinese(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rt = Runtime.from_settings(Settings(home=home))
    try:
        with rt.session() as s:
            people = {name: create_user(s, name, "password1", role) for name, role in (
                ("pm", "project_manager"), ("ann1", "annotator"), ("rev", "reviewer"),
                ("insp", "inspector"))}
        batch_id, _ = _text_batch(rt, people, tmp_path, flip=FLIP, tasks=["classification"])
    finally:
        rt.close()
    made = json.loads(run_cli(home, "qc", "evaluate", str(batch_id), "--as", "pm",
                              "--json").stdout)
    assert made["result"]["measure"]["name"] == "macro_f1"
    assert isinstance(made["created_at"], str) and "T" in made["created_at"]
    refused = run_cli(home, "qc", "evaluate", str(batch_id), "--as", "ann1", "--json", ok=False)
    assert refused.returncode != 0 and "error" in json.loads(refused.stdout)
    few = run_cli(home, "qc", "evaluate", str(batch_id), "--as", "pm", "--sample", "3",
                  "--json", ok=False)
    assert json.loads(few.stdout)["error"]["reason_code"] == "effect_too_few"
    zh = run_cli(home, "qc", "evaluation", str(made["id"]), "--as", "insp",
                 DATAMILL_LANG="zh-CN").stdout
    assert "数据应用效果验证" in zh and "宏平均 F1" in zh and "建议复查" in zh
    assert "t004" in zh and "按类别" in zh
    listed = run_cli(home, "qc", "evaluations", str(batch_id), "--as", "insp").stdout
    assert listed.startswith(f"{made['id']}  ") and "macro f1" in listed
    assert json.loads(run_cli(home, "qc", "evaluations", str(batch_id), "--as", "insp",
                              "--json").stdout)[0]["id"] == made["id"]


def test_the_deliveries_page_states_the_datasheets_effect_line() -> None:
    from datamill.web.delivery_sheet import sheet_view

    sheet = {"language": "en-US", "effect_evaluation": {
        "method": "pocketsphinx-5.0.4/en-us", "items_scored": 40,
        "measure": {"name": "word_error_rate", "value": 0.31234, "better": "lower"}}}
    assert sheet_view(sheet).effect == ("word_error_rate", "0.3123", 40,
                                        "pocketsphinx-5.0.4/en-us", {})
    sheet["effect_evaluation"].update(batch_items=120, seed=7, runs=3, named_for_second_look=2,
                                      measure_range=[0.29, 0.4])
    assert sheet_view(sheet).effect[4] == {  # type: ignore[index]
        "batch_items": "120", "seed": "7", "runs": "3", "named_for_second_look": "2",
        "range": "0.29–0.4"}
    assert sheet_view({"language": "en-US"}).effect is None
    assert sheet_view({"effect_evaluation": {"measure": {"value": "x"}}}).effect is None
