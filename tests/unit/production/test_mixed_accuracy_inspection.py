"""A code-switched Mandarin project may judge its batches by ``mixed_accuracy`` (1 - MER)
instead of character accuracy: a trial user's zh-CN batch whose annotators wrote ``爱疯15`` for
``iPhone 15`` lost seven characters per English word under character accuracy. Projects that
keep ``character_accuracy`` are judged exactly as before (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.schemas import SegmentIn
from datamill.production.spec import parse_spec
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.helpers import packaged_project, spec

SAID = "我想买一台iPhone 15手机"
WRITTEN = "我想买一台爱疯15手机"
# AQL 1000: every sampled item differs, so the defect count must not decide the verdict
LENIENT = {"inspection_level": "II", "aql": 1000}


def _inspected(rt: Runtime, users: dict[str, User], acceptance: dict[str, Any]) -> dict[str, Any]:
    pid = packaged_project(rt, users.values(), 2, language="zh-CN", sampling=LENIENT,
                           acceptance=acceptance)
    with rt.session() as s:
        create_packages(s, pid, "review")
    for user, stage in (("ann1", "annotate"), ("rev", "review")):
        while True:
            with rt.session() as s:
                task = claim_next_task(s, s.merge(users[user]), pid, stage)
                if task is None:
                    break
                if stage == "annotate":
                    submit_annotation(s, s.merge(users[user]), task.id,
                                      [SegmentIn(start_ms=0, end_ms=1500, text=WRITTEN)],
                                      base_version=task.current_version)
                else:
                    review_task(s, s.merge(users[user]), task.id, "accept")
    with rt.session() as s:
        batch_id = create_batch(s, pid).id
        insp = start_inspection(s, batch_id, s.merge(users["insp"]))
    with rt.session() as s:
        for sample in insp.sample:
            record_correction(s, insp.id, sample["item_id"], SAID)
        return complete_inspection(s, insp.id, s.merge(users["insp"])).model_dump()


def test_a_project_judged_by_mixed_accuracy_accepts_an_english_word_as_one_error(
    runtime: Runtime, users: dict[str, User]
) -> None:
    done = _inspected(runtime, users, {"mixed_accuracy": 0.75, "sentence_accuracy": 0.0})
    assert done["scores"]["mixed_accuracy"] == pytest.approx(7 / 9)
    assert done["scores"]["character_accuracy"] == pytest.approx(1 - 7 / 16)
    assert done["verdict"] == "accepted", done["reasons"]


def test_a_character_accuracy_project_is_judged_as_before(
    runtime: Runtime, users: dict[str, User]
) -> None:
    done = _inspected(runtime, users, {"character_accuracy": 0.75, "sentence_accuracy": 0.0})
    assert done["verdict"] == "rejected"
    assert done["reasons"] == ["character accuracy 0.5625 < 0.7500"]


def test_both_metrics_may_be_required_together(runtime: Runtime, users: dict[str, User]) -> None:
    done = _inspected(runtime, users, {"character_accuracy": 0.5, "mixed_accuracy": 0.8,
                                       "sentence_accuracy": 0.0})
    assert done["verdict"] == "rejected"
    assert done["reasons"] == ["mixed accuracy 0.7778 < 0.8000"]


@pytest.mark.parametrize(("acceptance", "message"), [
    ({"sentence_accuracy": 0.9}, "acceptance.character_accuracy: required"),
    ({"mixed_accuracy": 2, "sentence_accuracy": 0.9}, "mixed_accuracy must be a number from 0"),
], ids=["neither-character-nor-mixed", "out-of-range"])
def test_the_spec_needs_character_or_mixed_accuracy(acceptance: dict[str, Any],
                                                    message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_spec(spec(acceptance=acceptance))


def test_mixed_accuracy_is_a_speech_metric_only() -> None:
    from datamill.demo.text_demo import NER_SPEC

    bad = {**NER_SPEC, "acceptance": {**NER_SPEC["acceptance"], "mixed_accuracy": 0.9}}
    with pytest.raises(InvalidInput, match="mixed_accuracy: not a metric of modality text"):
        parse_spec(bad)


def test_a_project_switches_to_mixed_accuracy_from_the_cli(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.main import app
    from datamill.production.projects import create_project

    with runtime.session() as s:
        pid = create_project(s, spec(name="zh-switch", language="zh-CN")).id
    monkeypatch.setattr(_common, "_runtime", [runtime])
    run = CliRunner()
    refused = run.invoke(app, ["project", "set-spec", str(pid), "--as", "admin", "--json",
                               "acceptance.character_accuracy=null"])
    assert refused.exit_code != 0
    assert "character_accuracy: required" in json.dumps(json.loads(refused.stdout),
                                                        ensure_ascii=False)
    switched = run.invoke(app, ["project", "set-spec", str(pid), "--as", "admin", "--json",
                                "acceptance.character_accuracy=null",
                                "acceptance.mixed_accuracy=0.97"])
    assert switched.exit_code == 0, switched.stdout
    assert json.loads(switched.stdout)["spec"]["acceptance"] == {"mixed_accuracy": 0.97,
                                                                 "sentence_accuracy": 0.9}


def test_the_agreement_report_headlines_the_metric_the_project_chose(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.qc.agreement_report import project_agreement

    pid = packaged_project(runtime, users.values(), 1, overlap=2, language="zh-CN",
                           acceptance={"mixed_accuracy": 0.9, "sentence_accuracy": 0.9})
    for who, text in (("ann1", SAID), ("ann2", WRITTEN)):
        with runtime.session() as s:
            task = claim_next_task(s, s.merge(users[who]), pid, "annotate")
            assert task is not None
            submit_annotation(s, s.merge(users[who]), task.id,
                              [SegmentIn(start_ms=0, end_ms=1500, text=text)],
                              base_version=task.current_version)
    with runtime.session() as s:
        scores = project_agreement(s, pid)["scores"]
    assert scores["metric"] == "mixed_accuracy"
    assert scores["values"]["mixed_accuracy"] > scores["values"]["character_accuracy"]


def test_a_qualification_test_scores_by_the_chosen_metric_by_default(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from sqlalchemy import select

    from datamill.production.models import Item
    from datamill.workforce.qualification import define_qualification_test

    pid = packaged_project(runtime, users.values(), 1, language="zh-CN",
                           acceptance={"mixed_accuracy": 0.9, "sentence_accuracy": 0.9})
    with runtime.session() as s:
        item_id = s.scalars(select(Item.id).where(Item.project_id == pid)).one()
        test = define_qualification_test(s, s.merge(users["admin"]), pid, {item_id: SAID},
                                         pass_threshold="0.9")
    assert test.metric == "mixed_accuracy"


def test_the_golden_page_offers_the_chosen_metric_first(
    runtime: Runtime, users: dict[str, User]
) -> None:
    import re

    from fastapi.testclient import TestClient

    from datamill.server import create_app
    from tests.known_issues._web import web_login

    pid = packaged_project(runtime, users.values(), 1, language="zh-CN",
                           acceptance={"mixed_accuracy": 0.9, "sentence_accuracy": 0.9})
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        page = client.get(f"/workforce/projects/{pid}/golden")
    assert page.status_code == 200, page.text
    select = re.search(r'data-testid="qualification-metric">(.*?)</select>', page.text, re.S)
    assert select is not None
    assert re.findall(r'<option value="(\w+)"', select.group(1)) == [
        "mixed_accuracy", "sentence_accuracy", "character_accuracy"]
