"""Found by a trial user on an LLM pairwise-preference project with overlap 2 (three items;
mei chose a/a/b, jun chose a/b/tie):

1. ``datamill quality agreement --json`` said 6 units, 12 answers, Cohen's kappa 0.2: every
   preference was counted twice (a ``choice`` unit and a ``pair:a|b`` unit). Now 3 units, 6
   answers and the kappa of the three items (0.0, by hand and by scikit-learn).
2. A 1-1 split went to whoever answered first: the aggregate said "a" (confidence 0.5, not
   below the spec's ``min_confidence`` 0.5, so nobody else was asked), mei's agreement read
   1.0 and jun's 0.33, and the delivered pair said chosen "Goodbye." over "Hello.". Now a split
   with no majority goes to one extra annotator whatever the confidence; still split when the
   overlap is exhausted, it reaches review unresolved and is adjudicated (a plain accept is
   refused); worker agreement counts a split question for nobody.
3. Without the krippendorff package the command exited 2 with ``invalid_input``: now alpha is
   null, ``unavailable`` says why and how to install it, and the other figures are there.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch
from datamill.production.models import Annotation, Item, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.aggregating import aggregate_project, split_units
from datamill.qc.agreement import summary
from datamill.qc.agreement_report import annotator_agreement
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.modalities.llm._cases import spec, write_jsonl

RECORDS = [
    {"id": f"q{i}", "messages": [{"role": "user", "content": prompt}],
     "responses": [{"id": "a", "content": a}, {"id": "b", "content": b}]}
    for i, (prompt, a, b) in enumerate([
        ("What is the capital of France?", "The capital of France is Paris.",
         "I think it might be Lyon, not sure."),
        ("Translate 你好", "Hello.", "Goodbye."),
        ("Give me one tip for better sleep.", "Keep a regular bedtime, even on weekends.",
         "Drink three cups of coffee before bed."),
    ])
]
MEI, JUN = ["a", "a", "b"], ["a", "b", "tie"]


def _pair(choice: str) -> dict[str, Any]:
    return {"type": "llm_pairwise", "a": "a", "b": "b", "choice": choice,
            "reason": "see the guideline"}


def _project(rt: Runtime, users: dict[str, User], folder: Path,
             stages: tuple[str, ...] = ("annotate", "review"),
             min_confidence: float = 0.5) -> tuple[int, dict[str, User]]:
    src = write_jsonl(folder / "records.jsonl", RECORDS)
    with rt.session() as s:
        p = create_project(s, spec("pairwise", name=f"pref-{folder.name}", overlap=2,
                                   package_size=10, stages=list(stages),
                                   aggregation={"method": "majority_vote",
                                                "min_confidence": min_confidence}))
        people = {n: create_user(s, n, "password1", "annotator") for n in ("mei", "jun", "kai")}
        for u in [*people.values(), users["rev"], users["pm"]]:
            add_member(s, p.id, s.get(User, u.id), actor_id=None)
        pid = p.id
    with rt.session() as s:
        import_source(s, rt.blobs, pid, src)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)
    with rt.session() as s:
        for stage in stages:
            create_packages(s, pid, stage)
    return pid, people


def _answer(rt: Runtime, who: User, pid: int, choices: dict[int, str]) -> None:
    for _ in choices:
        with rt.session() as s:
            t = claim_next_task(s, s.get(User, who.id), pid, "annotate")
            assert t is not None
            submit_annotation(s, s.get(User, who.id), t.id, _pair(choices[t.item_id]),
                              base_version=t.current_version)


def _dashboard(rt: Runtime, pid: int, lang: str) -> str:
    with TestClient(create_app(rt)) as client:
        web_login(client, "pm")
        client.cookies.set("lang", lang)
        page = client.get(f"/projects/{pid}")
        assert page.status_code == 200, page.text
        return page.text


def _agreement(runner: CliRunner, pid: int) -> dict[str, Any]:
    from datamill.cli.main import app

    result = runner.invoke(app, ["quality", "agreement", str(pid), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_split_preferences_are_counted_once_and_never_decided_by_order(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common

    monkeypatch.setattr(_common, "_runtime", [runtime])
    runner = CliRunner()
    pid, people = _project(runtime, users, tmp_path / "pref")
    with runtime.session() as s:
        items = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
    assert len(items) == 3
    _answer(runtime, people["mei"], pid, dict(zip(items, MEI, strict=True)))
    _answer(runtime, people["jun"], pid, dict(zip(items, JUN, strict=True)))

    # 1. one unit per item, one answer per annotator and item
    figures = _agreement(runner, pid)
    assert (figures["units"], figures["answers"], figures["annotators"]) == (3, 6, 2)
    observed = 1 / 3  # they agree on item 1 only
    chance = (2 * 1 + 1 * 1 + 0 * 1) / 9  # mei a:2 b:1; jun a:1 b:1 tie:1
    assert figures["cohen_kappa"] == pytest.approx((observed - chance) / (1 - chance)) == 0.0
    assert figures["cohen_kappa"] == pytest.approx(cohen_kappa_score(MEI, JUN))
    assert figures["percent_agreement"] == pytest.approx(observed)

    # 2. the two split items went to an extra annotator (confidence 0.5 = min_confidence)
    with runtime.session() as s:
        tasks = {t.item_id: t for t in s.scalars(select(Task).where(
            Task.project_id == pid, Task.stage == "annotate"))}
        assert [(tasks[i].status, tasks[i].overlap) for i in items] == [
            ("done", 2), ("open", 3), ("open", 3)]
        status = [s.get(Item, i).status for i in items]  # type: ignore[union-attr]
        assert status[0] == "in_review" and "in_review" not in status[1:]
        routed = s.scalars(select(AuditRecord).where(AuditRecord.action == "aggregate.routed"))
        assert sorted(int(e.object_id) for e in routed) == items[1:]
    per = {a["username"]: a for a in figures["per_annotator"]}
    assert {n: (a["agreement"], a["answers"], a["undecided"]) for n, a in per.items()} == {
        "mei": (1.0, 1, 2), "jun": (1.0, 1, 2)}  # was mei 1.0, jun 0.33
    assert "(+2 split with no majority: not counted)" in _dashboard(runtime, pid, "en")
    assert "（另有 2 题意见对半、无多数：不计入）" in _dashboard(runtime, pid, "zh-CN")
    with runtime.session() as s:  # the workforce ranking's input credits nobody for a split
        assert annotator_agreement(s, people["mei"].id) == 1.0
        assert annotator_agreement(s, people["jun"].id) == 1.0

    # the extra answers: item 2 gets a majority (b), item 3 stays split three ways
    _answer(runtime, people["kai"], pid, {items[1]: "b", items[2]: "a"})
    with runtime.session() as s:
        item2, item3 = s.get(Item, items[1]), s.get(Item, items[2])
        assert item2 is not None and item3 is not None
        assert (item2.status, item3.status) == ("in_review", "in_review")
        agg2 = s.get(Annotation, item2.current_annotation_id)
        assert agg2 is not None and agg2.segments["choice"] == "b"  # "Goodbye." only by majority
        unresolved = list(s.scalars(select(AuditRecord).where(
            AuditRecord.action == "aggregate.unresolved")))
        assert [int(e.object_id) for e in unresolved] == [items[2]]
        report = aggregate_project(s, pid)
        assert (report.routed, report.unresolved) == ([], [items[2]])
    per = {a["username"]: a for a in _agreement(runner, pid)["per_annotator"]}
    assert {n: (a["agreement"], a["undecided"]) for n, a in per.items()} == {
        "mei": (0.5, 1), "jun": (1.0, 1), "kai": (1.0, 1)}

    # review: the split item cannot be accepted as it stands; an adjudication (edit) resolves it
    reviewer = users["rev"]
    split_task: tuple[int, int] | None = None  # (review task, version) of the split item
    for _ in items:  # one held review at a time
        with runtime.session() as s:
            t = claim_next_task(s, s.get(User, reviewer.id), pid, "review")
            assert t is not None
            if t.item_id != items[2]:
                review_task(s, s.get(User, reviewer.id), t.id, "accept")
                continue
            with pytest.raises(Conflict, match="split with no majority") as err:
                review_task(s, s.get(User, reviewer.id), t.id, "accept")
            assert err.value.details["reason_code"] == "unresolved_split"
            assert err.value.details["split"] == {"pair:a|b": {"left": 1, "right": 1, "tie": 1}}
            split_task = (t.id, t.current_version)
    assert split_task is not None
    with runtime.session() as s:  # not batched (so not delivered) while unresolved
        assert s.get(Item, items[2]).status == "in_review"  # type: ignore[union-attr]
        assert create_batch(s, pid).items == 2
    review_id, review_version = split_task
    with runtime.session() as s:
        out = review_task(s, s.get(User, reviewer.id), review_id, "edit", payload=_pair("a"),
                          base_version=review_version)
        assert out["item_status"] == "reviewed"


def test_without_a_review_stage_a_split_waits_out_of_the_batches(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, people = _project(runtime, users, tmp_path / "norev", stages=("annotate",))
    with runtime.session() as s:
        items = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
    _answer(runtime, people["mei"], pid, dict(zip(items, MEI, strict=True)))
    _answer(runtime, people["jun"], pid, dict(zip(items, JUN, strict=True)))
    _answer(runtime, people["kai"], pid, {items[1]: "b", items[2]: "a"})  # item 3: a, b, tie
    with runtime.session() as s:
        assert {s.get(Item, i).status for i in items} == {"reviewed"}  # type: ignore[union-attr]
        assert aggregate_project(s, pid).unresolved == [items[2]]
        batch = create_batch(s, pid)
        assert batch.items == 2  # the split item is not delivered as a decided pair
    with runtime.session() as s:  # a dataset-level method decides it: then it is batched
        aggregate_project(s, pid, method="bradley_terry")
        assert create_batch(s, pid).items == 1


def test_with_routing_off_a_split_goes_to_review_unresolved_without_an_extra_annotator(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """min_confidence 0 (the default) turns routing off: a split asks nobody else, it reaches
    review unresolved and waits for the reviewer's adjudication."""
    pid, people = _project(runtime, users, tmp_path / "off", min_confidence=0.0)
    with runtime.session() as s:
        items = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
    _answer(runtime, people["mei"], pid, dict(zip(items, MEI, strict=True)))
    _answer(runtime, people["jun"], pid, dict(zip(items, JUN, strict=True)))
    with runtime.session() as s:
        tasks = {t.item_id: t for t in s.scalars(select(Task).where(
            Task.project_id == pid, Task.stage == "annotate"))}
        assert [(tasks[i].status, tasks[i].overlap) for i in items] == [("done", 2)] * 3
        assert {s.get(Item, i).status for i in items} == {"in_review"}  # type: ignore[union-attr]
        unresolved = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "aggregate.unresolved"))
        assert sorted(int(e.object_id) for e in unresolved) == items[1:]
        assert aggregate_project(s, pid).unresolved == items[1:]
    _split_reads_as_no_majority(runtime, users, pid, items)


def _split_reads_as_no_majority(runtime: Runtime, users: dict[str, User], pid: int,
                                items: list[int]) -> None:
    """Trial h12: item 2 (mei "a", jun "b") read as choice "a" at confidence 0.5 on the review
    page (as the version submitted, and preselected in the reviewer's editor) and in the API's
    versions, as if decided. Now the page says "No majority: mei: a vs jun: b" (zh-CN too)
    with nothing chosen, and the API's current aggregate carries ``no_majority``."""
    with runtime.session() as s:  # the reviewer holds the first review: item 1 (decided, a/a)
        first = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert first is not None and first.item_id == items[0]
        review_task(s, s.get(User, users["rev"].id), first.id, "accept")
    with runtime.session() as s:
        t = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert t is not None and t.item_id == items[1]
        task_id = t.id
    with TestClient(create_app(runtime)) as client:
        pm = login(client, "pm")
        versions = client.get(f"{API}/projects/{pid}/items/{items[1]}/annotations",
                              headers=pm).json()
        assert (versions[-1]["kind"], versions[-1]["confidence"]) == ("aggregate", 0.5)
        assert versions[-1]["no_majority"] == {"pair:a|b": {"left": 1, "right": 1}}
        assert [v["no_majority"] for v in versions[:-1]] == [None, None]
        decided = client.get(f"{API}/projects/{pid}/items/{items[0]}/annotations", headers=pm)
        assert decided.json()[-1]["no_majority"] is None  # a 2-0 is decided
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert "No majority: mei: a vs jun: b. Nothing is preselected" in page
        assert 'data-testid="current-text"' not in page  # it showed the aggregate's "a"
        editor = re.search(r'data-annotation="([^"]*)"', page)
        assert editor, page
        assert json.loads(html.unescape(editor.group(1)))["choice"] is None  # was "a"
        client.cookies.set("lang", "zh-CN")
        assert "无多数：mei：a 对 jun：b。未预选任何答案" in client.get(f"/review/{task_id}").text


def test_split_units_are_ties_at_the_top_only() -> None:
    rows = [(1, "k", "a"), (2, "k", "b"), (1, "m", "x"), (2, "m", "x"), (3, "m", "y")]
    assert split_units(rows) == {"k": {"a": 1, "b": 1}}
    assert split_units([(1, "k", "a"), (2, "k", "a"), (3, "k", "b"), (4, "k", "c")]) == {}


def test_agreement_without_krippendorff_reports_the_rest(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common

    monkeypatch.setattr(_common, "_runtime", [runtime])
    pid, people = _project(runtime, users, tmp_path / "nokripp")
    with runtime.session() as s:
        items = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
    _answer(runtime, people["mei"], pid, dict(zip(items, MEI, strict=True)))
    _answer(runtime, people["jun"], pid, dict(zip(items, JUN, strict=True)))
    monkeypatch.setitem(sys.modules, "krippendorff", None)  # as if the package were not there
    figures = _agreement(CliRunner(), pid)
    assert figures["krippendorff_alpha"] is None
    assert figures["cohen_kappa"] == pytest.approx(0.0)
    assert figures["percent_agreement"] == pytest.approx(1 / 3)
    missing = figures["unavailable"]["krippendorff_alpha"]
    assert "krippendorff" in missing["reason"] and missing["install"].startswith("pip install")
    from datamill.cli.main import app

    page = _dashboard(runtime, pid, "zh-CN")  # the project page shows the rest, and says why
    assert 'data-testid="agreement-alpha-unavailable"' in page and "pip install" in page
    text = CliRunner().invoke(app, ["quality", "agreement", str(pid)])
    assert text.exit_code == 0 and "needs the krippendorff package" in text.output
    assert summary([])["unavailable"] == {}
    monkeypatch.setitem(sys.modules, "crowdkit", None)  # GLAD needs crowd-kit: not bad input
    glad = CliRunner().invoke(app, ["quality", "aggregate", str(pid), "--method", "glad",
                                    "--as", "admin", "--json"])
    error = json.loads(glad.output)["error"]
    assert glad.exit_code != 0 and error["code"] == "missing_dependency", glad.output
    assert error["install"] == "pip install 'datamill[crowd]'"
