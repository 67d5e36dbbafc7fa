"""Found by a trial quality lead on text NER and LLM preference projects with overlap 3
(aggregation majority_vote, min_confidence 0.7, stages annotate + review):

M5. Rerunning ``datamill quality aggregate <p> [--method ...]`` wrote a new ``aggregate``
    version onto items already accepted by review (v11, v12 ... with identical spans), so the
    current version was no longer the one reviewed and delivered. Now items past review
    (accepted or edited by a reviewer, batched for inspection, accepted, delivered) are skipped
    with the reason, and where the aggregated answer equals the current aggregate nothing is
    written ("unchanged"), whatever method is asked for; through the CLI and the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import aggregate_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.cli._text_project import text_spec
from tests.unit.modalities.llm._cases import spec as llm_spec
from tests.unit.modalities.llm._cases import write_jsonl

TEXTS = {"t1": "张伟在北京的清华大学工作。", "t2": "Marie Curie moved to Paris in 1891."}


def _ner(spans: list[tuple[int, int, str]]) -> dict[str, Any]:
    return {"type": "text_annotation", "schema_version": 1,
            "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}


def _pair(choice: str) -> dict[str, Any]:
    return {"type": "llm_pairwise", "a": "a", "b": "b", "choice": choice,
            "reason": "see the guideline"}


def _u(s: Session, user: User) -> User:
    """``user`` in session ``s``."""
    found = s.get(User, user.id)
    assert found is not None
    return found


def _setup(rt: Runtime, users: dict[str, User], pid: int, src: Path, stages: list[str],
           extra: int = 0) -> list[User]:
    with rt.session() as s:
        people = [create_user(s, f"a{pid}x{i}", "password1", "annotator")
                  for i in range(3 + extra)]
        for u in [*people, _u(s, users["rev"]), _u(s, users["pm"])]:
            assert u is not None
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, src)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)
    with rt.session() as s:
        for stage in stages:
            create_packages(s, pid, stage)
    return people


def ner_project(rt: Runtime, users: dict[str, User], folder: Path, *,
                min_confidence: float = 0.0, extra: int = 0,
                texts: dict[str, str] | None = None) -> tuple[int, list[User]]:
    folder.mkdir(parents=True)
    for name, text in (texts or TEXTS).items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with rt.session() as s:
        spec = {**text_spec(f"ner-{folder.name}"), "overlap": 3,
                "aggregation": {"method": "majority_vote", "min_confidence": min_confidence}}
        pid = create_project(s, spec).id
    return pid, _setup(rt, users, pid, folder, ["annotate", "review"], extra)


def pair_project(rt: Runtime, users: dict[str, User], folder: Path) -> tuple[int, list[User]]:
    records = [{"id": f"q{i}", "messages": [{"role": "user", "content": q}],
                "responses": [{"id": "a", "content": a}, {"id": "b", "content": b}]}
               for i, (q, a, b) in enumerate([
                   ("What is the capital of France?", "The capital of France is Paris.",
                    "I think it might be Lyon, not sure."),
                   ("Give me one tip for better sleep.", "Keep a regular bedtime, always.",
                    "Drink three cups of coffee before bed.")])]
    src = write_jsonl(folder / "records.jsonl", records)
    with rt.session() as s:
        pid = create_project(s, llm_spec("pairwise", name=f"pref-{folder.name}", overlap=3,
                                         package_size=10,
                                         aggregation={"method": "majority_vote",
                                                      "min_confidence": 0.0})).id
    return pid, _setup(rt, users, pid, src, ["annotate", "review"])


def answer_all(rt: Runtime, who: User, pid: int, answers: dict[str, dict[str, Any]]) -> None:
    """``who`` answers every item they can claim: ``answers`` by the item's external id."""
    while True:
        with rt.session() as s:
            t = claim_next_task(s, _u(s, who), pid, "annotate")
            if t is None:
                return
            ext = s.get(Item, t.item_id).external_id  # type: ignore[union-attr]
            key = next(k for k in answers if ext.startswith(k))
            submit_annotation(s, _u(s, who), t.id, answers[key],
                              base_version=t.current_version)


def review_all(rt: Runtime, reviewer: User, pid: int) -> None:
    while True:
        with rt.session() as s:
            t = claim_next_task(s, _u(s, reviewer), pid, "review")
            if t is None:
                return
            review_task(s, _u(s, reviewer), t.id, "accept")


def versions(rt: Runtime, pid: int) -> dict[int, tuple[int, int]]:
    """item id -> (current version, number of aggregate versions)."""
    with rt.session() as s:
        out = {}
        for item in s.scalars(select(Item).where(Item.project_id == pid)):
            n = s.scalar(select(func.count()).select_from(Annotation).where(
                Annotation.item_id == item.id, Annotation.kind == "aggregate"))
            out[item.id] = (item.current_version, int(n or 0))
        return out


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    from datamill.cli import _common
    from datamill.cli.main import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


NER_ANSWERS = [  # t1: all agree; t2: 2 of 3 draw the LOC
    {"t1": _ner([(0, 2, "PER"), (3, 5, "LOC")]), "t2": _ner([(0, 11, "PER"), (21, 26, "LOC")])},
    {"t1": _ner([(0, 2, "PER"), (3, 5, "LOC")]), "t2": _ner([(0, 11, "PER"), (21, 26, "LOC")])},
    {"t1": _ner([(0, 2, "PER"), (3, 5, "LOC")]), "t2": _ner([(0, 11, "PER")])},
]


def test_rerunning_aggregate_never_rewrites_reviewed_ner_items(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, people = ner_project(runtime, users, tmp_path / "ner")
    for who, answers in zip(people, NER_ANSWERS, strict=True):
        answer_all(runtime, who, pid, answers)
    before = versions(runtime, pid)
    assert {n for _v, n in before.values()} == {1}  # one aggregate each, on close
    # in review: another method finds the same spans: unchanged, no new version
    for method in ("dawid_skene", "majority_vote", "dawid_skene"):
        report = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--method",
                      method, "--as", "pm")
        assert (report["aggregated"], report["unchanged"], report["skipped"]) == (0, 2, [])
    assert versions(runtime, pid) == before
    review_all(runtime, users["rev"], pid)
    for method in ("majority_vote", "dawid_skene"):
        report = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--method",
                      method, "--as", "pm")
        assert (report["aggregated"], report["unchanged"]) == (0, 0)
        assert sorted(s["item_id"] for s in report["skipped"]) == sorted(before)
        assert all("past review: a reviewer accepted it" in s["reason"]
                   for s in report["skipped"])
    assert versions(runtime, pid) == before  # was v+1, v+2 ... with identical spans
    with runtime.session() as s:
        assert create_batch(s, pid).items == 2
    with TestClient(create_app(runtime)) as client:  # the API route says the same
        token = client.post("/api/v1/auth/token", json={"username": "pm",
                                                        "password": "password1"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        r = client.post(f"/api/v1/projects/{pid}/aggregate", json={"method": "dawid_skene"},
                        headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["aggregated"] == 0
        assert all("in a batch for sampling inspection" in s["reason"]
                   for s in r.json()["skipped"])
    assert versions(runtime, pid) == before
    text = CliRunner().invoke(__import__("datamill.cli.main", fromlist=["app"]).app,
                              ["quality", "aggregate", str(pid), "--as", "pm"])
    assert text.exit_code == 0 and "past review" in text.output


def test_rerunning_bradley_terry_never_rewrites_reviewed_pairs(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, people = pair_project(runtime, users, tmp_path / "pairs")
    for who, choice in zip(people, ("a", "a", "b"), strict=True):
        answer_all(runtime, who, pid, {"q": _pair(choice)})
    review_all(runtime, users["rev"], pid)
    before = versions(runtime, pid)
    with runtime.session() as s:
        report = aggregate_project(s, pid, method="bradley_terry")
        assert report.aggregated == 0 and len(report.skipped) == 2
        assert {r["reason"].split(";")[0] for r in report.skipped} == {
            "past review: a reviewer accepted it"}
    report2 = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--as", "pm")
    assert report2["aggregated"] == 0
    assert versions(runtime, pid) == before


# M3. A three-way label split on a span (LOC / PER / ORG on the same span) was dropped from the
#     aggregate and ``quality aggregate`` said "0 split"; the review page showed only the diff
#     against the pre-annotation. Now the span is a split question: the item is unresolved, its
#     accept is refused until the reviewer adjudicates, and the review page shows who said what.
SPLIT_ANSWERS = [{"t1": _ner([(0, 2, "PER"), (3, 5, label)])} for label in ("LOC", "PER", "ORG")]


def test_a_three_way_span_split_is_flagged_and_shown_to_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.compliance.models import AuditRecord
    from datamill.core.errors import Conflict
    from tests.known_issues._web import web_login

    pid, people = ner_project(runtime, users, tmp_path / "split", texts={"t1": TEXTS["t1"]})
    for who, answers in zip(people, SPLIT_ANSWERS, strict=True):
        answer_all(runtime, who, pid, answers)
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        current = s.get(Annotation, item.current_annotation_id)
        assert current is not None and current.kind == "aggregate"
        assert current.confidence == pytest.approx(1 / 3)  # was null for spans
        unresolved = s.scalars(select(AuditRecord.object_id).where(
            AuditRecord.action == "aggregate.unresolved")).all()
        assert [int(i or 0) for i in unresolved] == [item.id]
        item_id = item.id
    report = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--as", "pm")
    assert report["unresolved"] == [item_id]  # was "0 split (review adjudicates)"
    with runtime.session() as s:
        t = claim_next_task(s, _u(s, users["rev"]), pid, "review")
        assert t is not None
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, _u(s, users["rev"]), t.id, "accept")
        assert err.value.details["split"] == {"span:3:5": {"LOC": 1, "ORG": 1, "PER": 1}}
        task_id, version = t.id, t.current_version
    names = {p.username: lab for p, lab in zip(people, ("LOC", "PER", "ORG"), strict=True)}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}")
        assert page.status_code == 200, page.text
        assert 'data-testid="split-answers"' in page.text
        assert "<mark>北京</mark>" in page.text and "3–5" in page.text
        for name, label in names.items():
            assert f"<td>{name}</td><td>{label}</td>" in page.text
        client.cookies.set("lang", "zh-CN")
        assert "标注员意见分歧、无多数" in client.get(f"/review/{task_id}").text
    with runtime.session() as s:  # the reviewer adjudicates: an edit, then accepted
        out = review_task(s, _u(s, users["rev"]), task_id, "edit",
                          payload=_ner([(0, 2, "PER"), (3, 5, "LOC")]), base_version=version)
        assert out["item_status"] == "reviewed"


# M2. For NER with overlap 3, agreement said units 0 / annotators 0 and the zh-CN dashboard
#     said nobody had overlapped; spans' aggregates carried confidence null, so min_confidence
#     did nothing. Now spans are units (grouped across annotators, O where one drew none).
def test_ner_agreement_counts_spans_per_annotator(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.known_issues._web import web_login

    pid, people = ner_project(runtime, users, tmp_path / "agree")
    for who, answers in zip(people, NER_ANSWERS, strict=True):
        answer_all(runtime, who, pid, answers)
    figures = _cli(runtime, monkeypatch, "quality", "agreement", str(pid))
    # t1: PER 0:2 and LOC 3:5 by all; t2: PER 0:11 by all, LOC 21:26 by two of three
    assert (figures["units"], figures["annotators"], figures["answers"]) == (4, 3, 12)
    assert (figures["overlapped_items"], figures["no_units_reason"]) == (2, None)
    assert figures["fleiss_kappa"] is not None and figures["krippendorff_alpha"] is not None
    per = {a["username"]: a["agreement"] for a in figures["per_annotator"]}
    assert per == {people[0].username: 1.0, people[1].username: 1.0,
                   people[2].username: 0.75}
    with runtime.session() as s:
        conf = sorted(c or 0.0 for c in s.scalars(select(Annotation.confidence).join(
            Item, Item.id == Annotation.item_id).where(
            Item.project_id == pid, Annotation.kind == "aggregate")).all())
        assert conf == [pytest.approx(2 / 3), 1.0]  # was [None, None]
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token", json={"username": "pm",
                                                        "password": "password1"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        body = client.get(f"/api/v1/projects/{pid}/agreement", headers=headers).json()
        assert (body["units"], body["annotators"], body["overlapped_items"]) == (4, 3, 2)
        web_login(client, "pm")
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/projects/{pid}").text
        assert "暂无两人以上标注的条目" not in page and "75.0%" in page


def test_overlapped_items_with_nothing_to_compare_say_so(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.known_issues._web import web_login

    pid, people = ner_project(runtime, users, tmp_path / "empty", texts={"t1": TEXTS["t1"]})
    for who in people:  # nobody finds an entity
        answer_all(runtime, who, pid, {"t1": _ner([])})
    figures = _cli(runtime, monkeypatch, "quality", "agreement", str(pid))
    assert (figures["units"], figures["overlapped_items"]) == (0, 1)
    assert "1 item has answers from two or more annotators" in figures["no_units_reason"]
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/projects/{pid}").text
        assert 'data-testid="agreement-no-units"' in page and "已有 1 个条目由两人以上标注" in page
        assert "暂无两人以上标注的条目" not in page


# M6. Items routed to one more annotator waited silently when every member had answered them:
#     ``work next`` 204 for everyone, ``work package`` "created 0". Now work package, the
#     dashboard and quality aggregate say how many wait and that a PM must add an annotator.
def test_items_waiting_for_a_new_annotator_are_announced(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.main import app
    from tests.known_issues._web import web_login

    pid, people = ner_project(runtime, users, tmp_path / "wait", min_confidence=0.7)
    for who, answers in zip(people, NER_ANSWERS, strict=True):
        answer_all(runtime, who, pid, answers)
    with runtime.session() as s:  # t2 (LOC by two of three: 0.67 < 0.7) went for a fourth
        statuses = sorted(i.status for i in s.scalars(select(Item).where(Item.project_id == pid)))
        assert len(statuses) == 2 and "in_review" in statuses
        for who in people:
            assert claim_next_task(s, _u(s, who), pid, "annotate") is None
    monkeypatch.setattr(_common, "_runtime", [runtime])
    runner = CliRunner()
    made = runner.invoke(app, ["work", "package", str(pid), "--as", "pm"])
    assert made.exit_code == 0, made.output
    assert "notice [waiting_for_new_annotator]: 1 item wait for an annotator" in made.output
    assert "all 3 annotators of the project have answered them" in made.output
    as_json = runner.invoke(app, ["work", "package", str(pid), "--as", "pm", "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == []
    report = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--as", "pm")
    assert report["waiting_for_annotator"]["items"] == 1
    board = _cli(runtime, monkeypatch, "project", "dashboard", str(pid))
    assert board["waiting_for_annotator"]["code"] == "waiting_for_new_annotator"
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token", json={
            "username": "pm", "password": "password1"}).json()["access_token"]
        api = client.post(f"/api/v1/projects/{pid}/packages",
                          headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 201 and api.json() == [], api.text  # noqa: PLR2004
        assert api.headers["Datamill-Notice"] == "waiting_for_new_annotator"
        assert api.headers["Datamill-Waiting-Items"] == "1"
        assert "a project manager must add one" in api.headers["Datamill-Hint"]
        web_login(client, "pm")
        page = client.get(f"/projects/{pid}").text
        assert 'data-testid="waiting-for-annotator"' in page
        assert "1 item(s) wait for an annotator who has not answered them yet" in page
        client.cookies.set("lang", "zh-CN")
        assert "需由项目经理为项目添加标注员" in client.get(f"/projects/{pid}").text
    with runtime.session() as s:  # a fourth annotator joins: nothing waits any more
        fourth = create_user(s, f"late{pid}", "password1", "annotator")
        add_member(s, pid, fourth, actor_id=None)
    report = _cli(runtime, monkeypatch, "quality", "aggregate", str(pid), "--as", "pm")
    assert report["waiting_for_annotator"] is None


def test_span_units_group_spans_across_annotators_whatever_their_label() -> None:
    from datamill.modalities.text.aggregate import span_units
    from datamill.qc.aggregating import split_units

    answers = {
        1: _ner([(0, 2, "PER"), (3, 5, "LOC"), (10, 14, "ORG")]),
        2: _ner([(0, 2, "PER"), (3, 5, "PER")]),
        3: _ner([(0, 3, "PER"), (3, 5, "ORG"), (10, 14, "ORG"), (10, 14, "LOC")]),
    }
    rows = span_units(answers)
    by_key: dict[str, dict[int, str]] = {}
    for author, key, label in rows:
        by_key.setdefault(key, {})[author] = label
    assert by_key == {
        "span:0:2": {1: "PER", 2: "PER", 3: "PER"},  # 0:3 overlaps 0:2 (IoU 2/3)
        "span:3:5": {1: "LOC", 2: "PER", 3: "ORG"},  # the three-way split
        # annotators 1 and 3 agree on 10:14 ORG; 3 drew it as LOC too, a question of its own
        # (grouped in text order, 1's ORG met 3's LOC and 3's ORG stood alone: round 4)
        "span:10:14": {1: "ORG", 2: "O", 3: "ORG"},
        "span:10:14'": {1: "O", 2: "O", 3: "LOC"},
    }
    assert set(split_units(rows)) == {"span:3:5"}
    reordered = span_units(dict(reversed(list(answers.items()))))
    assert sorted(reordered) == sorted(rows)  # the annotators' order changes nothing


def test_a_nested_span_of_another_label_does_not_take_an_agreed_span_s_place() -> None:
    """Round 4 (h5): both annotators drew 北京大学 [0, 4) ORG; one drew [0, 3) LOC inside it too
    (IoU 0.75 with the ORG span). Grouped in text order, the LOC span
    came first and took the other annotator's ORG: ORG against LOC, ORG against nothing, so
    percent agreement on the spans read 0 of 2 where it is 1 of 2."""
    from datamill.modalities.text.aggregate import span_units
    from datamill.qc.agreement import percent_agreement

    rows = span_units({1: _ner([(0, 4, "ORG"), (0, 3, "LOC")]), 2: _ner([(0, 4, "ORG")])})
    assert sorted(rows) == [(1, "span:0:3", "LOC"), (1, "span:0:4", "ORG"),
                            (2, "span:0:3", "O"), (2, "span:0:4", "ORG")]
    assert percent_agreement([(key, author, label) for author, key, label in rows]) == 0.5
