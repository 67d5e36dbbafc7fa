"""Why a task came back to its annotator, in the page's language: a Chinese-speaking reviewer
rejects an image ("文本转写错误"), and the annotator's home page and workbench say "审核：..."
in Chinese (full-width colons) and "review: Text transcribed wrong: ..." in English (the stored text starts with
the English "review: "). A rejected batch's reasons are translated the same way."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.check_text import return_reason
from datamill.web.i18n import translator
from tests.known_issues._web import web_login
from tests.unit.production.image_helpers import make_image_project


def test_a_rejected_image_comes_back_with_its_reason_in_the_pages_language(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=1)
    with runtime.session() as s:
        ann = s.merge(users["ann1"])
        task = claim_next_task(s, ann, pid, "annotate")
        assert task is not None
        annotate_id = task.id
        submit_annotation(s, ann, task.id, {"objects": [], "classes": []},
                          base_version=task.current_version)
    with runtime.session() as s:
        review = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert review is not None
        # what the web's reject form stores for a reviewer whose page is in Chinese
        review_task(s, s.merge(users["rev"]), review.id, "reject", reason="文本转写错误: 第一行")

    client = TestClient(create_app(runtime))
    web_login(client, "ann1")
    client.cookies.set("lang", "zh-CN")
    for path in ("/", f"/tasks/{annotate_id}"):
        page = client.get(path)
        assert page.status_code == 200, page.text
        assert "审核：文本转写错误：第一行" in page.text
        assert "review: " not in page.text and "）: " not in page.text
    client.cookies.set("lang", "en")
    for path in ("/", f"/tasks/{annotate_id}"):
        assert "review: Text transcribed wrong: 第一行" in client.get(path).text


def test_a_rejected_batch_reason_in_chinese() -> None:
    stored = ("batch-0001 rejected: region accuracy 0.8000 < 0.9500; 3 defective items in a "
              "sample of 5 (acceptance number 1). The inspector found this item defective; "
              "their version: {\"objects\": []}")
    zh = return_reason(translator("zh-CN"), "zh-CN")(stored)
    assert zh.startswith("batch-0001 未通过质检：")
    assert "rejected" not in zh and "defective" not in zh and "inspector" not in zh
    assert "抽样 5 条中有 3 条不合格" in zh and zh.endswith('其版本：{"objects": []}')
    assert return_reason(translator("en"), "en")(stored) == stored
    assert return_reason(translator("zh-CN"), "zh-CN")("something else") == "something else"
