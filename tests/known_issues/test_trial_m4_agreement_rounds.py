"""Trial (quality lead, M4): after rework, inter-annotator agreement and the per-annotator
figures were computed on the reworked answers only, so the record of who disagreed (used for
annotator quality and pay) was lost. Now agreement has a round: ``first`` (each annotator's
first submitted answer of each item) and ``current`` (their latest, the default), side by side
in the report, through the service, the CLI (``--round``), the API (``?round=``) and the
dashboard. ``first`` never changes when rework happens later.

Real overlap projects on SQLite and PostgreSQL: a text NER project (overlap 3) and a speech
transcript project (overlap 2); annotators disagree, review sends the item back, the one who
disagreed corrects their answer: ``current`` rises to full agreement, ``first`` stays as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.agreement_report import annotator_agreement, project_agreement
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_trial_ner_overlap_qc import _ner, _u, ner_project
from tests.unit.production.helpers import packaged_project


def _submit(rt: Runtime, who: User, pid: int, payload: Any) -> None:
    with rt.session() as s:
        t = claim_next_task(s, _u(s, who), pid, "annotate")
        assert t is not None, f"{who.username} has nothing to claim"
        submit_annotation(s, _u(s, who), t.id, payload, base_version=t.current_version)


def _send_back(rt: Runtime, reviewer: User, pid: int) -> None:
    with rt.session() as s:
        t = claim_next_task(s, _u(s, reviewer), pid, "review")
        assert t is not None
        review_task(s, _u(s, reviewer), t.id, "reject", reason="the first span is a person")


def _report(rt: Runtime, pid: int, round_: str) -> dict[str, Any]:
    with rt.session() as s:
        return project_agreement(s, pid, round=round_)


def _first_view(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the ``first`` round says: what must not move with rework."""
    return {"figures": report["rounds"]["first"],
            "people": [(a["username"], a["first"]) for a in report["per_annotator_rounds"]]}


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str,
         code: int = 0) -> dict[str, Any]:
    from datamill.cli import _common
    from datamill.cli.main import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


PER_LOC = _ner([(0, 2, "PER"), (3, 5, "LOC")])
LOC_LOC = _ner([(0, 2, "LOC"), (3, 5, "LOC")])  # the first span mislabelled


def test_ner_first_round_keeps_who_disagreed_after_rework(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.known_issues._web import web_login

    pid, people = ner_project(runtime, users, tmp_path / "m4", texts={"t1": "张伟在北京工作。"})
    for who, answer in zip(people, [PER_LOC, PER_LOC, LOC_LOC], strict=True):
        _submit(runtime, who, pid, answer)
    before = {r: _report(runtime, pid, r) for r in ("first", "current")}
    # nobody reworked yet: both rounds are the same answers
    assert before["first"]["rounds"] == before["current"]["rounds"]
    assert before["current"]["scores"]["items"] == 1
    assert before["current"]["scores"]["sampled"] is False
    assert before["current"]["percent_agreement"] == pytest.approx(2 / 3)
    with runtime.session() as s:
        ranked_before = annotator_agreement(s, people[2].id, round="first")

    _send_back(runtime, users["rev"], pid)
    for who in people:  # everyone resubmits; the one who disagreed corrects their answer
        _submit(runtime, who, pid, PER_LOC)

    first, current = _report(runtime, pid, "first"), _report(runtime, pid, "current")
    assert (first["round"], current["round"]) == ("first", "current")
    assert first["percent_agreement"] == pytest.approx(2 / 3)  # unchanged by the rework
    assert current["percent_agreement"] == 1.0  # was 2/3 for both rounds before this feature
    assert current["krippendorff_alpha"] == 1.0
    assert first["krippendorff_alpha"] == before["first"]["krippendorff_alpha"] < 1.0
    assert current["scores"]["values"]["span_f1"] == 1.0
    assert first["scores"]["values"]["span_f1"] == before["first"]["scores"]["values"]["span_f1"]
    assert first["scores"]["values"]["span_f1"] < 1.0
    assert _first_view(first) == _first_view(before["first"]) == _first_view(current)
    rows = {a["username"]: a for a in current["per_annotator_rounds"]}
    wrong = rows[people[2].username]
    assert wrong["first"]["agreement"] == 0.5 and wrong["current"]["agreement"] == 1.0
    assert wrong["reworked_items"] == 1
    with runtime.session() as s:  # the workforce's figure for pay: the first round stays
        assert annotator_agreement(s, people[2].id, round="first") == ranked_before == 0.5
        assert annotator_agreement(s, people[2].id) == 1.0

    # the CLI: --round picks the figures --json leads with; a wrong round is a JSON error
    out = _cli(runtime, monkeypatch, "quality", "agreement", str(pid), "--round", "first")
    assert out["round"] == "first" and out["percent_agreement"] == pytest.approx(2 / 3)
    out = _cli(runtime, monkeypatch, "quality", "agreement", str(pid))
    assert out["round"] == "current" and out["percent_agreement"] == 1.0
    bad = _cli(runtime, monkeypatch, "quality", "agreement", str(pid), "--round", "last",
               code=2)
    assert bad["error"]["code"] == "invalid_input" and "first" in bad["error"]["message"]
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token", json={"username": "pm",
                                                        "password": "password1"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        url = f"/api/v1/projects/{pid}/agreement"
        body = client.get(url, params={"round": "first"}, headers=headers).json()
        assert body["round"] == "first" and body["percent_agreement"] == pytest.approx(2 / 3)
        assert client.get(url, headers=headers).json()["percent_agreement"] == 1.0
        assert client.get(url, params={"round": "last"}, headers=headers).status_code == 422
        web_login(client, "pm")
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/projects/{pid}").text
        assert "首次提交" in page and "返工重交条目数" in page
        assert 'data-testid="agreement-round-first"' in page and "50.0%" in page
        page = client.get(f"/projects/{pid}", params={"agreement_round": "first"}).text
        assert '<strong aria-current="true">首次提交</strong>' in page


def _seg(text: str) -> list[SegmentIn]:
    return [SegmentIn(start_ms=0, end_ms=1000, text=text)]


def test_speech_transcripts_first_round_stays_after_rework(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    _submit(runtime, users["ann1"], pid, _seg("the quick brown fox"))
    _submit(runtime, users["ann2"], pid, _seg("the quack brown box"))
    before = _report(runtime, pid, "first")
    acc = before["scores"]["values"]["character_accuracy"]
    assert before["scores"]["metric"] == "character_accuracy" and acc < 1.0
    assert before["overlapped_items"] == 1

    _send_back(runtime, users["rev"], pid)
    _submit(runtime, users["ann1"], pid, _seg("the quick brown fox"))
    _submit(runtime, users["ann2"], pid, _seg("the quick brown fox"))  # corrected

    first, current = _report(runtime, pid, "first"), _report(runtime, pid, "current")
    assert current["scores"]["values"]["character_accuracy"] == 1.0
    assert current["scores"]["values"]["sentence_accuracy"] == 1.0
    assert first["scores"]["values"]["character_accuracy"] == acc  # unchanged by the rework
    assert first["scores"]["values"]["sentence_accuracy"] == 0.0
    assert _first_view(first) == _first_view(before)
    rows = {a["username"]: a for a in current["per_annotator_rounds"]}
    assert rows["ann2"]["first"]["scores"]["character_accuracy"] == acc
    assert rows["ann2"]["current"]["scores"]["character_accuracy"] == 1.0
    assert rows["ann2"]["reworked_items"] == 1
    out = _cli(runtime, monkeypatch, "quality", "agreement", str(pid), "--round", "first")
    assert out["scores"]["values"]["character_accuracy"] == acc
    from datamill.cli.main import app

    table = CliRunner().invoke(app, ["quality", "agreement", str(pid), "--round", "first"])
    assert table.exit_code == 0, table.output
    assert "round: first" in table.output and "character_accuracy between annotators" in table.output
    assert "0.895" in table.output and "1.000" in table.output  # ann2: first, now
    # under zh-CN the report was English around Chinese refusals (h3)
    from datamill.config import get_settings

    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    zh = CliRunner().invoke(app, ["quality", "agreement", str(pid), "--round", "first"],
                            env={"COLUMNS": "200"})
    assert zh.exit_code == 0, zh.output
    assert "轮次：首次提交（每位标注员首次提交的答案）" in zh.output, zh.output
    assert "标注员之间的 字准确率 0.895" in zh.output and "一致率" in zh.output
    assert " units, " not in zh.output and "标注员 ┃" in zh.output
    monkeypatch.delenv("DATAMILL_LANG")
    get_settings.cache_clear()


def test_pair_scores_take_the_newest_items_only(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring every pair of every overlapped item cost ~0.3 ms a pair on each dashboard view
    (16x the report before pair scores on 500 items); it takes the newest
    ``PAIR_SCORE_ITEMS`` and says it sampled."""
    from datamill.qc import agreement_report

    pid, people = ner_project(runtime, users, tmp_path / "cap", texts={
        "t1": "张伟在北京工作。", "t2": "李娜在上海工作。"})
    for who in people:
        for _ in range(2):
            _submit(runtime, who, pid, PER_LOC)
    full = _report(runtime, pid, "current")["scores"]
    assert (full["items"], full["sampled"], full["pairs"]) == (2, False, 6)
    monkeypatch.setattr(agreement_report, "PAIR_SCORE_ITEMS", 1)
    capped = _report(runtime, pid, "current")
    assert (capped["scores"]["items"], capped["scores"]["sampled"]) == (1, True)
    assert capped["scores"]["pairs"] == 3  # noqa: PLR2004 - 3 annotators of one item
    assert capped["overlapped_items"] == 2  # noqa: PLR2004 - agreement itself counts every item


def test_worker_ranking_counts_first_round_agreement_after_rework(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """The workforce ranking averaged the current round's agreement in: after rework that is
    the reviewer's correction, so the annotator who disagreed ranked level with (and, first
    registered, above) the one who was right from the start. It counts the first round now."""
    from sqlalchemy import select

    from datamill.production.models import WorkPackage
    from datamill.workforce.assignment import (
        QUALITY_AGREEMENT_ROUND,
        rank_workers,
        worker_quality,
    )
    from datamill.workforce.vendors import register_worker

    pid, people = ner_project(runtime, users, tmp_path / "rank", texts={"t1": "张伟在北京工作。"})
    with runtime.session() as s:
        admin = _u(s, users["admin"])
        for who in (people[2], people[0]):  # the one who disagreed has the lower worker id
            register_worker(s, admin, _u(s, who), languages=["zh-CN"], modalities=["text"])
    for who, answer in zip(people, [PER_LOC, PER_LOC, LOC_LOC], strict=True):
        _submit(runtime, who, pid, answer)
    _send_back(runtime, users["rev"], pid)
    for who in people:  # everyone resubmits; the one who disagreed corrects their answer
        _submit(runtime, who, pid, PER_LOC)

    with runtime.session() as s:
        right, wrong = _u(s, people[0]), _u(s, people[2])
        assert annotator_agreement(s, wrong.id) == 1.0  # the current round: corrected
        assert annotator_agreement(s, wrong.id, round="first") == 0.5
        assert worker_quality(s, wrong.id) < worker_quality(s, right.id)  # were equal
        package = s.scalars(select(WorkPackage.id).where(
            WorkPackage.project_id == pid, WorkPackage.stage == "annotate")).first()
        assert package is not None
        ranked = rank_workers(s, _u(s, users["pm"]), package)
        assert [c.username for c in ranked] == [right.username, wrong.username]
        assert ranked[0].quality > ranked[1].quality
        assert {c.agreement_round for c in ranked} == {QUALITY_AGREEMENT_ROUND} == {"first"}
