"""Trial: the point-cloud page in zh-CN showed a refused submission as the server's English
(``objects[1] (o2): label 'car' has no attribute 'colour'``). It now names the object as its list
does (id and label) and says the reason from the catalogue, in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, sign_in
from tests.e2e.test_pointcloud_task import WB, _pointcloud_project

pytestmark = pytest.mark.slow


def test_a_refused_submission_is_said_in_chinese(site: Site, context: Any) -> None:
    pid, truth = _pointcloud_project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann1"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    page = sign_in(context, "ann1")
    page.goto(f"/lang/zh-CN?next=/tasks/{task_id}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    cuboids = [c.model_dump(mode="json") for c in next(iter(truth.values()))[:3]]
    for c in cuboids:
        c["id"], c["track_id"] = None, None
        c["attributes"] = {"occluded": "none"}
    cuboids[1]["attributes"] = {"colour": "red"}  # not an attribute of car
    page.evaluate(f"""(objs) => {{ const wb = {WB};
        wb.objects = objs.map((o) => ({{ ...o, id: undefined }})); wb.assignIds();
        wb.refreshPanel(); }}""", cuboids)
    ids = page.evaluate(f"() => {WB}.objects.map((o) => o.id)")
    page.get_by_test_id("pc-wb-submit").click()
    error = page.get_by_test_id("pc-wb-error")
    error.wait_for(state="visible")
    assert error.inner_text() == (
        ZH_CN["pc.submit_failed"] + ZH_CN["sp.colon"]
        + f"对象 {ids[1]}（car）：属性“colour”不属于该标签")
    assert not page.dialogs
