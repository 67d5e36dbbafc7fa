"""Trial: "golden items are ordinary items annotated later". A golden (known-answer) item could
only be an ordinary production item whose answer the PM typed in, so it was packaged, worked,
batched, delivered and paid like production volume, and there was no way to make one with its
answer up front nor to turn an accepted item into one.

Now (CLI ``datamill workforce golden add|list|remove``, API ``/projects/{id}/golden-items``):
items given with known answers up front leave production (status ``golden``): never packaged,
batched, delivered or put on a settlement sheet; answers to golden checks are never paid; an
accepted item can be marked golden, its accepted annotation becoming the answer, and stays what
it was; an item someone is working on, or one that has not passed its checks, is refused; a
golden item taken out of the set returns to production."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import BatchItem, Inspection, Item, Task, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.golden import GoldenProbe
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import create_settlement_sheet
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests.unit.production.helpers import ready_project

ACCEPTED_AT = datetime(2024, 5, 8, 2, 0, tzinfo=UTC)


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _json(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def _text(s: Any, item_id: int) -> str:
    return (s.get(Item, item_id).prompt or "").lower().rstrip(".")


def _file(path: Path, data: dict[str, str]) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _work_until_done(runtime: Runtime, user: User, pid: int, stage: str) -> None:
    """Claim and finish every task (golden checks served in between answered right)."""
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, user, pid, stage)
            if t is None:
                return
            if stage == "review":
                review_task(s, user, t.id, "accept")
            else:
                submit_annotation(s, user, t.id, [SegmentIn(start_ms=0, end_ms=1000,
                                                            text=_text(s, t.item_id))],
                                  base_version=t.current_version)


def test_golden_items_given_up_front_are_never_production_volume(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 5, package_size=10)
    admin = users["admin"]
    with runtime.session() as s:
        rows = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        ids, names = [i.id for i in rows], [i.external_id for i in rows]
        texts = [_text(s, i) for i in ids]
        vendor = create_vendor(s, admin, name="Acme", kind="company", fee_rate="0.08",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        w1 = create_user(s, "w1", "password1", "annotator")
        register_worker(s, admin, w1, vendor_id=vendor.id, languages=["en-US"],
                        modalities=["speech"])
        add_member(s, pid, w1, actor_id=None)
        set_price(s, admin, half_year="2024H1", stage="annotate", modality="speech.asr",
                  language_group="foreign", unit="hour", unit_price="21.56")

    # two golden items with their known answers, up front, from a file keyed by name
    known = _file(tmp_path / "known.json", {names[3]: texts[3], names[4]: texts[4]})
    test = _json(cli, "workforce", "golden", "add", "test-asr", "--answers", known,
                 "--threshold", "0.9", "--as", "pm")
    assert test["golden_item_ids"] == ids[3:] and test["revision"] == 1
    listed = _json(cli, "workforce", "golden", "list", "test-asr", "--as", "pm")
    assert [(g["external_id"], g["status"], g["production"], g["answer"]) for g in listed] == [
        (names[3], "golden", False, texts[3]), (names[4], "golden", False, texts[4])]
    assert _json(cli, "workforce", "golden", "list", "test-asr", "--as", "w1", code=6)

    # w1 qualifies; the packages hold only the three production items
    good = _file(tmp_path / "good.json", {names[3]: texts[3], str(ids[4]): texts[4]})
    assert _json(cli, "workforce", "qualification", "take", "test-asr", "--answers", good,
                 "--as", "w1")["passed"] is True
    packages = [_json(cli, "work", "package", "test-asr", "--stage", stage, "--as", "pm")
                for stage in ("annotate", "review")]
    with runtime.session() as s:
        worked = s.scalars(select(Task.item_id).where(Task.project_id == pid,
                                                      Task.kind == "work")).all()
        assert sorted(worked) == sorted(ids[:3] * 2)
        hand_package_to_vendor(s, admin, packages[0][0]["id"], vendor.id)
    assert _json(cli, "workforce", "golden-rate", "test-asr", "0.5", "--as", "pm")

    _work_until_done(runtime, w1, pid, "annotate")  # golden checks come in between
    _work_until_done(runtime, users["rev"], pid, "review")
    with runtime.session() as s:
        assert s.scalar(select(Item.status).where(Item.id == ids[3])) == "golden"
        batch = create_batch(s, pid)
        assert sorted(s.scalars(select(BatchItem.item_id).where(
            BatchItem.batch_id == batch.id))) == ids[:3]  # never batched, never delivered
        insp = start_inspection(s, batch.id, users["insp"])
        for sample in insp.sample:
            record_correction(s, insp.id, sample["item_id"], _text(s, sample["item_id"]))
        assert complete_inspection(s, insp.id, users["insp"]).verdict == "accepted"
        s.execute(update(Inspection).where(Inspection.id == insp.id)
                  .values(completed_at=ACCEPTED_AT))
        probes = s.scalars(select(GoldenProbe).where(GoldenProbe.project_id == pid)).all()
        checks = s.scalars(select(Task.item_id).join(TaskAssignment).where(
            Task.project_id == pid, Task.kind == "check")).all()
    with runtime.session() as s:
        sheet = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
        volumes = s.scalars(select(Item.volume).where(Item.id.in_(ids[:3]))).all()
    # the sheet pays the three production items only: not the golden items, not the checks
    assert sum(line.items for line in sheet.lines) == 3
    assert sum(line.duration_ms for line in sheet.lines) == sum(v or 0 for v in volumes)
    assert probes and {p.item_id for p in probes} <= set(ids[3:]) and set(checks) <= set(ids[3:])
    assert all(p.score is not None for p in probes)  # answered and scored, never paid

    # an accepted item is marked golden: its accepted annotation is the answer, and it stays
    marked = _json(cli, "workforce", "golden", "add", "test-asr", "--item", names[0],
                   "--as", "pm")
    assert marked["golden_item_ids"] == [ids[0], ids[3], ids[4]] and marked["revision"] == 2
    listed = {g["item_id"]: g for g in _json(cli, "workforce", "golden", "list", "test-asr",
                                            "--as", "pm")}
    assert (listed[ids[0]]["status"], listed[ids[0]]["production"],
            listed[ids[0]]["answer"]) == ("accepted", True, texts[0])

    # a golden item taken out of the set returns to production, and gets work tasks even when
    # it was served as a check before (its check task is no work task)
    with runtime.session() as s:
        if s.scalar(select(Task.id).where(Task.item_id == ids[4], Task.kind == "check")) is None:
            s.add(Task(project_id=pid, item_id=ids[4], stage="annotate", kind="check",
                       status="open", overlap=1000))
    removed = _json(cli, "workforce", "golden", "remove", "test-asr", names[4], "--as", "pm")
    assert removed["golden_item_ids"] == [ids[0], ids[3]]
    with runtime.session() as s:
        assert s.scalar(select(Item.status).where(Item.id == ids[4])) in ("passed",
                                                                         "preannotated")
    _json(cli, "work", "package", "test-asr", "--stage", "annotate", "--as", "pm")
    with runtime.session() as s:
        assert s.scalar(select(Task.package_id).where(
            Task.item_id == ids[4], Task.kind == "work", Task.stage == "annotate")) is not None


def test_refusals_and_the_api(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4, package_size=10)
    with runtime.session() as s:
        rows = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        ids, names = [i.id for i in rows], [i.external_id for i in rows]
        texts = [_text(s, i) for i in ids]
        rows[3].status = "imported"  # not checked yet
    assert _json(cli, "work", "package", "test-asr", "--as", "pm")
    with runtime.session() as s:  # ann1 holds the first item's task
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None and task.item_id == ids[0]

    no_test = _json(cli, "workforce", "golden", "add", "test-asr", "--answers",
                    _file(tmp_path / "a.json", {names[1]: texts[1]}), "--as", "pm", code=2)
    assert "threshold" in no_test["error"]["message"]
    busy = _json(cli, "workforce", "golden", "add", "test-asr", "--threshold", "0.9", "--answers",
                 _file(tmp_path / "b.json", {names[0]: texts[0], names[1]: texts[1]}),
                 "--as", "pm", code=4)
    assert busy["error"]["code"] == "conflict" and names[0] in busy["error"]["message"]
    unchecked = _json(cli, "workforce", "golden", "add", "test-asr", "--threshold", "0.9",
                      "--answers", _file(tmp_path / "c.json", {names[3]: texts[3]}),
                      "--as", "pm", code=2)
    assert "not passed their checks" in unchecked["error"]["message"]
    not_accepted = _json(cli, "workforce", "golden", "add", "test-asr", "--threshold", "0.9",
                         "--item", names[2], "--as", "pm", code=4)
    assert "not accepted" in not_accepted["error"]["message"]
    with runtime.session() as s:  # nothing was written by the refusals
        assert s.scalar(select(Item.status).where(Item.id == ids[1])) == "passed"
        assert s.scalar(select(Task.id).where(Task.item_id == ids[1]).limit(1)) is not None

    with TestClient(create_app(runtime)) as client:
        pm, ann = login(client, "pm"), login(client, "ann1")
        url = f"{API}/projects/{pid}/golden-items"
        assert client.post(url, json={"answers": {names[1]: texts[1]}, "pass_threshold": "0.9"},
                           headers=ann).status_code == 403
        r = client.post(url, json={"answers": {names[1]: texts[1]}, "pass_threshold": "0.9"},
                        headers=pm)
        assert r.status_code == 200, r.text
        assert r.json()["golden_item_ids"] == [ids[1]]
        got = client.get(url, headers=pm).json()
        assert [(g["item_id"], g["status"], g["production"]) for g in got] == [
            (ids[1], "golden", False)]
        with runtime.session() as s:  # its unclaimed tasks were withdrawn from the package
            assert s.scalar(select(Task.id).where(Task.item_id == ids[1],
                                                  Task.kind == "work").limit(1)) is None
        rate = f"{API}/projects/{pid}/golden-rate"
        assert client.put(rate, json={"rate": "0.2"}, headers=pm).json() == {"rate": "0.2000"}
        assert client.get(rate, headers=pm).json() == {"rate": "0.2000"}
        assert client.get(f"{API}/projects/{pid}/golden-accuracy", headers=pm).status_code == 200
        r = client.post(url, json={"answers": {names[2]: texts[2]}}, headers=pm)
        assert r.status_code == 200 and r.json()["golden_item_ids"] == [ids[1], ids[2]]
        r = client.delete(f"{url}/{ids[1]}", headers=pm)
        assert r.status_code == 200 and r.json()["golden_item_ids"] == [ids[2]]
        assert client.delete(f"{url}/{ids[0]}", headers=pm).status_code == 404
    # back in production: the next packaging gives it its tasks again
    assert len(_json(cli, "work", "package", "test-asr", "--as", "pm")) == 1
    with runtime.session() as s:
        assert s.scalar(select(Item.status).where(Item.id == ids[1])) == "passed"
        assert s.scalar(select(Task.package_id).where(Task.item_id == ids[1],
                                                      Task.stage == "annotate")) is not None
