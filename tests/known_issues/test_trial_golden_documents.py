"""Qualification tests and golden checks on modalities whose answers are documents (images,
point clouds, text ...). The test's metric was checked by scoring the string "a", which only a
transcript is, so no such project could define a test; golden checks scored the flat search
text of a submission, and an accepted item marked golden took that text as its answer. Now the
answers are scored in the form inspection scores (the modality's canonical document), the
metric defaults to the modality's first acceptance metric, and the web form offers those."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.modalities.registry import get_modality
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.golden import GoldenProbe, add_golden_items, set_golden_rate
from datamill.workforce.qualification import take_qualification_test
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues._web import web_login
from tests.unit.production.test_pointcloud_loop import pointcloud_folder, pointcloud_spec


def test_a_pointcloud_project_has_a_qualification_test_and_golden_checks(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = pointcloud_folder(tmp_path / "in")
    plugin = get_modality("pointcloud")
    admin, pm = users["admin"], users["pm"]
    with runtime.session() as s:
        pid = create_project(s, pointcloud_spec("golden-lidar")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
        vendor = create_vendor(s, admin, name="Lidar Co", kind="company", fee_rate="0.08",
                               agreement_no="FA-9")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        w1 = create_user(s, "w1", "password1", "annotator")
        register_worker(s, admin, w1, vendor_id=vendor.id, languages=["en-US"],
                        modalities=["pointcloud"])
        add_member(s, pid, w1, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
        ids = {i.external_id: i.id for i in s.scalars(
            select(Item).where(Item.project_id == pid, Item.status == "passed"))}
    gold = sorted(ids)[:2]
    answers = {ids[g]: plugin.inspection_text(truth[g].model_dump(mode="json"), "") for g in gold}
    with runtime.session() as s:  # no metric named: the modality's own
        test = add_golden_items(s, pm, pid, answers=answers, pass_threshold="0.9")
        assert test.metric == "cuboid_accuracy"
    with runtime.session() as s:
        attempt = take_qualification_test(s, w1, pid, answers)
        assert attempt.passed and attempt.score == 1
    with runtime.session() as s:  # a wrong answer scores below the threshold
        moved = truth[gold[0]].model_copy(update={"objects": truth[gold[0]].objects[1:]})
        worse = {**answers, ids[gold[0]]: json.dumps(moved.model_dump(mode="json"))}
        assert not take_qualification_test(s, w1, pid, worse).passed

    # production with golden checks mixed in: the check is scored on the document
    with runtime.session() as s:
        set_golden_rate(s, pm, pid, "0.5")
        [package] = create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
        hand_package_to_vendor(s, admin, package.id, vendor.id)
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, w1, pid, "annotate")
            if t is None:
                break
            submit_annotation(s, w1, t.id, truth[t.external_id].model_dump(mode="json"),
                              base_version=t.current_version)
    with runtime.session() as s:
        probes = s.scalars(select(GoldenProbe).where(GoldenProbe.project_id == pid)).all()
        assert probes and all(p.score == 1 for p in probes)

    # an accepted item marked golden answers with its annotation document
    while True:
        with runtime.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        accepted = s.scalar(select(Item.id).where(Item.project_id == pid,
                                                  Item.status == "reviewed"))
        s.execute(Item.__table__.update().where(Item.id == accepted).values(status="accepted"))
    with runtime.session() as s:
        test = add_golden_items(s, pm, pid, accepted=[accepted])
        assert accepted in test.golden_item_ids

    client = TestClient(create_app(runtime))  # the web form offers the modality's metric
    web_login(client, "pm")
    page = client.get(f"/workforce/projects/{pid}/golden").text
    assert 'value="cuboid_accuracy"' in page and 'value="character_accuracy"' not in page
