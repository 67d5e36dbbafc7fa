"""The image inspection page in Chinese: the sampling plan's numbers ("批量 2，样本量 2 ...",
not "lot 2, sample 2, ... accept ≤ 0") and every live score's name (``scored`` included) come
from the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import create_batch, record_correction, start_inspection
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.known_issues._web import web_login
from tests.unit.production.image_helpers import make_image_project

BOX = {"kind": "box", "label": "car", "attributes": {}, "x": 10, "y": 10, "w": 40, "h": 30}


def test_the_image_inspection_page_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=2)
    for _ in range(2):
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            assert t is not None
            submit_annotation(s, users["ann1"], t.id, {"objects": [BOX], "classes": []},
                              base_version=t.current_version)
        with runtime.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            assert r is not None
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        first = insp.sample[0]["item_id"]
        record_correction(s, insp.id, first, json.dumps({"objects": [BOX], "classes": []}))

    client = TestClient(create_app(runtime))
    web_login(client, "insp")
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/inspections/{insp.id}")
    assert page.status_code == 200, page.text
    plan = ZH_CN["in.plan_numbers"].format(lot=insp.plan["lot_size"],
                                           sample=insp.plan["sample_size"],
                                           aql=insp.plan["aql"], accept=insp.plan["accept"])
    assert plan in page.text
    assert "lot " not in page.text and "accept ≤" not in page.text
    assert '<dt>scored</dt>' not in page.text and ZH_CN["metric.scored"] in page.text
    client.cookies.set("lang", "en")
    assert EN["metric.scored"] in client.get(f"/inspections/{insp.id}").text
