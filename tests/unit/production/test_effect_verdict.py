"""What the customer accepts of an application-effect run (the spec's ``effect`` section) and
each run's verdict against it, on every face (SQLite and PostgreSQL).

A quality lead and a customer found three gaps: a run said a measure but never whether it was
good enough (now the spec may set a threshold and a minimum sample, each run stores its verdict
with the threshold it was judged by, so a later change of the spec never re-judges it, and the
API, the CLI, the effect page and the delivery datasheet state it); the items named for a second
look on the effect page led nowhere (now each links to the project's items page filtered to it,
and to its file); ``datamill delivery show`` printed no effect line (now it prints the
datasheet's: measure, seed, runs, verdict).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.config import Settings
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import REASON_WORDS, word_reason
from datamill.production.delivery import deliver_batch
from datamill.production.effect_evaluation import (
    datasheet_effect,
    evaluate_batch,
    get_evaluation,
)
from datamill.production.effect_verdict import judge_effect
from datamill.production.inspection import complete_inspection, confirm_delivered, start_inspection
from datamill.production.models import Batch, Item, Project
from datamill.production.spec import parse_spec
from datamill.production.spec_edit import update_spec
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.delivery_sheet import sheet_view
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.unit.production.helpers import reviewed_batch
from tests.unit.production.helpers import spec as speech_spec
from tests.unit.production.test_effect_evaluation import _VOCAB, _text_corpus, _text_spec

FLIP = {"t004", "t017"}  # labels a careless annotator got wrong: the model contradicts them
_HAN = re.compile(r"[\u4e00-\u9fff]")
_F1 = {"name": "macro_f1", "value": 0.9, "better": "higher"}
_WER = {"name": "word_error_rate", "value": 0.3, "better": "lower"}


def _batch(rt: Runtime, users: dict[str, User], tmp: Path,
           effect: dict[str, Any] | None = None) -> int:
    """A reviewed batch of 45 Chinese news texts in 3 classes, two labels flipped."""
    labels = _text_corpus(tmp / "corpus", 45, seed=11)
    spec = _text_spec(["classification"])
    if effect is not None:
        spec["effect"] = effect
    classes = list(_VOCAB)

    def answer(external_id: str) -> dict[str, Any]:
        label = labels[external_id]
        if external_id in FLIP:
            label = classes[(classes.index(label) + 1) % 3]
        return {"classes": [label]}

    return reviewed_batch(rt, users, spec, tmp / "corpus", answer)


def _project_of(rt: Runtime, batch_id: int) -> int:
    with rt.session() as s:
        batch = s.get(Batch, batch_id)
        assert batch is not None
        return batch.project_id


def _accept_and_deliver(rt: Runtime, insp: User, batch_id: int, out: Path) -> dict[str, Any]:
    with rt.session() as s:
        inspection = start_inspection(s, batch_id, insp)
        for smp in inspection.sample:
            confirm_delivered(s, inspection.id, smp["item_id"], insp)
        assert complete_inspection(s, inspection.id, insp).verdict == "accepted"
    with rt.session() as s:
        return deliver_batch(s, rt.blobs, batch_id, out).model_dump(mode="json")


# ------------------------------------------------------------------------------ the verdict


@pytest.mark.parametrize(("effect", "result", "status", "failed"), [
    pytest.param(None, {"measure": _F1, "items_scored": 45}, "no_threshold", None, id="no-spec"),
    pytest.param({"threshold": 0.9}, {"measure": _F1, "items_scored": 45}, "pass", [],
                 id="higher-at-threshold"),
    pytest.param({"threshold": 0.91}, {"measure": _F1, "items_scored": 45}, "fail",
                 ["measure"], id="higher-below"),
    pytest.param({"threshold": 0.3}, {"measure": _WER, "items_scored": 40}, "pass", [],
                 id="lower-at-threshold"),
    pytest.param({"threshold": 0.25}, {"measure": _WER, "items_scored": 40}, "fail",
                 ["measure"], id="lower-above"),
    pytest.param({"threshold": 0.5, "min_sample": 46}, {"measure": _F1, "items_scored": 45},
                 "fail", ["sample"], id="too-few-scored"),
    pytest.param({"threshold": 0.95, "min_sample": 45}, {"measure": _F1, "items_scored": 45},
                 "fail", ["measure"], id="sample-enough-measure-not"),
    pytest.param({"threshold": 0.5}, {"measure": {"name": "word_error_rate", "value": None,
                                                  "better": "lower"}, "items_scored": 0},
                 "fail", ["no_measure"], id="no-value"),
    pytest.param({"threshold": 0.5}, {"measure": {**_F1, "value": float("nan")}},
                 "fail", ["no_measure"], id="nan-value"),
])
def test_a_run_is_judged_by_its_measures_direction(
    effect: dict[str, Any] | None, result: dict[str, Any], status: str,
    failed: list[str] | None,
) -> None:
    verdict = judge_effect(effect, result)
    assert verdict["status"] == status
    assert verdict.get("failed") == failed
    if effect is not None:  # what it was judged by is kept with it
        assert verdict["threshold"] == effect["threshold"]
        assert verdict["min_sample"] == effect.get("min_sample")


# ------------------------------------------------------------------------ the spec's section


@pytest.mark.parametrize(("effect", "code", "field"), [
    pytest.param({"threshold": 1.5}, "effect_threshold_range", "effect.threshold", id="over-1"),
    pytest.param({"threshold": -0.1}, "effect_threshold_range", "effect.threshold",
                 id="negative"),
    pytest.param({"threshold": "0.9"}, "effect_threshold_range", "effect.threshold",
                 id="a-string"),
    pytest.param({"threshold": True}, "effect_threshold_range", "effect.threshold",
                 id="a-bool"),
    pytest.param({"min_sample": 10}, "effect_threshold_missing", "effect.threshold",
                 id="no-threshold"),
    pytest.param({"threshold": 0.9, "min_sample": 0}, "effect_min_sample_range",
                 "effect.min_sample", id="sample-0"),
    pytest.param({"threshold": 0.9, "min_sample": 5001}, "effect_min_sample_range",
                 "effect.min_sample", id="sample-over-the-most"),
    pytest.param({"threshold": 0.9, "min_sample": 10.0}, "effect_min_sample_range",
                 "effect.min_sample", id="sample-a-float"),
    pytest.param({"threshold": 0.9, "measure": "wer"}, "effect_spec_key", "effect.measure",
                 id="unknown-key"),
    pytest.param([0.9], "effect_spec_form", "effect", id="not-a-mapping"),
])
def test_a_bad_effect_section_is_refused_with_a_coded_reason(
    effect: Any, code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_spec(speech_spec(effect=effect))
    details = refused.value.details
    assert (details["reason_code"], details["field"]) == (code, field)
    assert refused.value.message.startswith(f"invalid dataset spec: {field}")
    english, chinese = word_reason(details, "en"), word_reason(details, "zh-CN")
    assert english and chinese and _HAN.search(chinese), (english, chinese)
    assert code in REASON_WORDS["en"] and code in REASON_WORDS["zh-CN"]


def test_a_good_effect_section_is_kept_and_none_means_no_threshold() -> None:
    spec, _ = parse_spec(speech_spec(effect={"threshold": 0.25, "min_sample": 40}))
    assert spec.model_dump(mode="json")["effect"] == {"threshold": 0.25, "min_sample": 40}
    assert parse_spec(speech_spec(effect={"threshold": 1}))[0].effect.threshold == 1.0  # type: ignore[union-attr]
    assert parse_spec(speech_spec())[0].effect is None


# ------------------------------------------------------------------------- through the loop


def test_each_run_keeps_the_verdict_of_the_threshold_it_ran_under(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _batch(runtime, users, tmp_path, effect={"threshold": 0.5})
    pid = _project_of(runtime, batch_id)
    with runtime.session() as s:
        passed = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    value = passed.result["measure"]["value"]
    assert 0.5 < value < 1.0  # learnt the classes, contradicted the flipped labels
    assert passed.verdict.model_dump() == {
        "status": "pass", "failed": [], "measure": "macro_f1", "better": "higher",
        "value": value, "threshold": 0.5, "min_sample": None, "items_scored": 45}
    with runtime.session() as s:  # the customer now asks for more: nothing old is re-judged
        update_spec(s, pid, {"effect": {"threshold": 1.0, "min_sample": 46}})
    with runtime.session() as s:
        failed = evaluate_batch(s, runtime.blobs, batch_id, users["insp"])
        assert get_evaluation(s, passed.id, users["insp"]).verdict == passed.verdict
    assert (failed.verdict.status, failed.verdict.failed) == ("fail", ["measure", "sample"])
    assert (failed.verdict.threshold, failed.verdict.min_sample) == (1.0, 46)
    with runtime.session() as s:  # the spec's section removed: runs say no threshold was set
        update_spec(s, pid, {"effect": None})
        assert s.get(Project, pid).spec["effect"] is None  # type: ignore[union-attr]
    with runtime.session() as s:
        unjudged = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
        sheet = datasheet_effect(s, batch_id)
    assert unjudged.verdict.model_dump(exclude_defaults=True) == {"status": "no_threshold"}
    assert sheet is not None and sheet["runs"] == 3
    assert sheet["verdict"] == {"status": "no_threshold"}  # the latest of the largest samples
    with runtime.session() as s:  # a bad section is refused and nothing is written
        with pytest.raises(InvalidInput) as refused:
            update_spec(s, pid, {"effect": {"threshold": 2}})
        assert refused.value.details["reason_code"] == "effect_threshold_range"
        s.rollback()
    with runtime.session() as s:
        assert s.get(Project, pid).spec["effect"] is None  # type: ignore[union-attr]


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_web_page_and_deliveries_page_state_the_verdict(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _batch(runtime, users, tmp_path)
    pid = _project_of(runtime, batch_id)
    pm = login(client, "pm")
    # a bad section by the API: 422 with its code, worded for the reader
    bad = client.patch(f"{API}/projects/{pid}/spec", json={"effect": {"threshold": "high"}},
                       headers={**pm, "Accept-Language": "zh-CN"})
    assert bad.status_code == 422, bad.text
    assert bad.json()["reason_code"] == "effect_threshold_range"
    assert bad.json()["detail"] == 'effect.threshold 须为 0 到 1 之间的数；您填写的是 "high"。'
    url = f"{API}/batches/{batch_id}/effect-evaluations"
    before = client.post(url, json={}, headers=pm).json()
    assert before["verdict"] == {"status": "no_threshold", "failed": [], "measure": None,
                                 "better": None, "value": None, "threshold": None,
                                 "min_sample": None, "items_scored": None}
    ok = client.patch(f"{API}/projects/{pid}/spec",
                      json={"effect": {"threshold": 0.5, "min_sample": 40}}, headers=pm)
    assert ok.status_code == 200 and ok.json()["spec"]["effect"] == {"threshold": 0.5,
                                                                      "min_sample": 40}
    made = client.post(url, json={}, headers=pm).json()
    assert (made["verdict"]["status"], made["verdict"]["threshold"]) == ("pass", 0.5)
    listed = client.get(url, headers=pm).json()["items"]
    assert [e["verdict"]["status"] for e in listed] == ["pass", "no_threshold"]
    # the web page, in Chinese: the verdict, the history's column, second-look rows linked
    client.cookies.set("lang", "zh-CN")
    web_sign_in(client, "insp")
    page = client.get(f"/batches/{batch_id}/effect").text
    verdict = re.search(r'data-testid="effect-verdict" data-verdict="(\w+)"[^>]*>(.*?)</p>',
                        page, re.S)
    assert verdict is not None and verdict.group(1) == "pass"
    assert "通过" in verdict.group(2) and "宏平均 F1 不低于 0.5，至少评测 40 条" in verdict.group(2)
    assert re.findall(r'data-testid="effect-row-verdict">([^<]+)<', page) == ["通过", "未设验收标准"]
    old = client.get(f"/batches/{batch_id}/effect?evaluation={before['id']}").text
    assert 'data-verdict="no_threshold"' in old and "规格未设应用效果验收标准" in old
    links = dict(re.findall(r'href="(/projects/\d+/items\?item=\d+)" '
                            r'data-testid="effect-second-item">([^<]+)<', page))
    assert set(links.values()) >= FLIP, links
    with runtime.session() as s:  # each row leads to its item exactly, by id
        ids = {e: i for e, i in s.execute(
            select(Item.external_id, Item.id).where(Item.project_id == pid))}
    for href, external_id in links.items():
        assert href == f"/projects/{pid}/items?item={ids[external_id]}"
        items = client.get(href).text  # where a row leads: that item, no other
        assert re.findall(r'data-testid="item-media">([^<]+)<', items) == [external_id]
    media = re.findall(r'href="(/web/api/items/\d+/media)"[^>]*data-testid="effect-second-media"',
                       page)
    assert len(media) == len(links)
    assert client.get(media[0]).status_code == 200
    # delivered: the datasheet and the deliveries page state the largest sample's verdict
    sheet = _accept_and_deliver(runtime, users["insp"], batch_id, tmp_path / "out")["datasheet"]
    effect = sheet["effect_evaluation"]
    assert effect["verdict"]["status"] == "pass" and effect["runs"] == 2
    assert effect["verdict"]["threshold"] == 0.5 and effect["seed"] == 0
    client.cookies.clear()
    client.cookies.set("lang", "zh-CN")
    web_sign_in(client, "pm")
    deliveries = client.get(f"/projects/{pid}/deliveries").text
    line = re.search(r'data-testid="dlv-effect">(.*?)</tr>', deliveries, re.S)
    assert line is not None, deliveries[-2000:]
    assert 'data-verdict="pass">通过</strong>（验收标准：不低于 0.5，至少评测 40 条）' in line.group(1)


def test_the_deliveries_page_line_of_older_and_newer_sheets() -> None:
    sheet: dict[str, Any] = {"effect_evaluation": {
        "method": "m", "items_scored": 40, "measure": _WER}}
    assert "verdict" not in sheet_view(sheet).effect[4]  # type: ignore[index] # written before
    sheet["effect_evaluation"]["verdict"] = {"status": "fail", "better": "lower",
                                             "threshold": 0.25, "min_sample": 40}
    assert sheet_view(sheet).effect[4] == {  # type: ignore[index]
        "verdict": "fail", "better": "lower", "threshold": "0.25", "min_sample": "40"}
    sheet["effect_evaluation"]["verdict"] = {"status": "no_threshold"}
    assert sheet_view(sheet).effect[4] == {"verdict": "no_threshold"}  # type: ignore[index]


def test_cli_sets_the_threshold_prints_verdicts_and_the_delivery_effect_line(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    rt = Runtime.from_settings(Settings(home=home))
    try:
        with rt.session() as s:
            people = {name: create_user(s, name, "password1", role) for name, role in (
                ("pm", "project_manager"), ("ann1", "annotator"), ("rev", "reviewer"),
                ("insp", "inspector"))}
        batch_id = _batch(rt, people, tmp_path)
        pid = str(_project_of(rt, batch_id))
    finally:
        rt.close()
    first = run_cli(home, "qc", "evaluate", str(batch_id), "--as", "pm").stdout
    assert "verdict: no threshold set when it ran" in first
    refused = run_cli(home, "project", "set-spec", pid, "effect.threshold=1.5", "--as", "pm",
                      "--json", ok=False)
    assert json.loads(refused.stdout)["error"]["reason_code"] == "effect_threshold_range"
    zh = run_cli(home, "project", "set-spec", pid, "effect.min_sample=0", "effect.threshold=0.5",
                 "--as", "pm", ok=False, DATAMILL_LANG="zh-CN")
    assert "effect.min_sample 须为 1 到 5000 之间的整数；您填写的是 0。" in zh.stdout + zh.stderr
    run_cli(home, "project", "set-spec", pid, "effect.threshold=0.5", "--as", "pm")
    passed = json.loads(run_cli(home, "qc", "evaluate", str(batch_id), "--as", "pm",
                                "--json").stdout)
    assert passed["verdict"]["status"] == "pass" and passed["verdict"]["threshold"] == 0.5
    run_cli(home, "project", "set-spec", pid, "effect.threshold=1", "--as", "pm")
    failed = run_cli(home, "qc", "evaluate", str(batch_id), "--as", "pm").stdout
    value = re.search(r"macro f1 (0\.\d+) over 45 items", failed)
    assert value is not None, failed
    assert (f"verdict: fail (threshold: macro f1 at least 1; it is {float(value.group(1)):g})"
            in failed)
    shown = run_cli(home, "qc", "evaluation", str(passed["id"]), "--as", "insp",
                    DATAMILL_LANG="zh-CN").stdout
    assert "结论：通过（验收标准：宏平均 F1 不低于 0.5）" in shown  # as judged when it ran
    rows = run_cli(home, "qc", "evaluations", str(batch_id), "--as", "insp").stdout
    assert [line.rsplit("  ", 1)[1] for line in rows.strip().splitlines()] == [
        "fail", "pass", "no threshold"]
    rt = Runtime.from_settings(Settings(home=home))
    try:
        delivery = _accept_and_deliver(rt, people["insp"], batch_id, tmp_path / "out")
    finally:
        rt.close()
    said = run_cli(home, "delivery", "show", str(delivery["id"]), "--as", "pm").stdout
    line = next(x for x in said.splitlines() if "application effect" in x)
    assert line.startswith(f"  application effect: macro f1 {value.group(1)} over 45 items of "
                           "the batch's 45 (seed 0); the largest of 3 runs (their range ")
    assert line.endswith("; verdict: fail (threshold: macro f1 at least 1; it is "
                         f"{float(value.group(1)):g})")
    as_json = json.loads(run_cli(home, "delivery", "show", str(delivery["id"]), "--as", "pm",
                                 "--json").stdout)
    effect = as_json["datasheet"]["effect_evaluation"]
    assert (effect["verdict"]["status"], effect["seed"], effect["runs"]) == ("fail", 0, 3)
    zh = run_cli(home, "delivery", "show", str(delivery["id"]), "--as", "pm",
                 DATAMILL_LANG="zh-CN").stdout
    assert "数据应用效果验证：宏平均 F1" in zh and "结论：未通过（验收标准：宏平均 F1 不低于 1；实测为" in zh
