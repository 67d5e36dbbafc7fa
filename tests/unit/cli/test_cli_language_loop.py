"""Trial (Chinese autonomous-driving team, item 2): English left in the CLI under
``DATAMILL_LANG=zh-CN``: ``work next`` printed the item summary's keys ("points 4107, format
bin") and a returned task's stored English ("已退回：review: 不符合标注规范: "), ``work
assist``/``work review``/``work submit`` refused in English ("you hold no task on item 3",
"you do not hold task 2; claim a task first", "the tool's parameters are not a readable JSON
object"), ``qc batch`` printed "batch 1 (batch-001) with 5 items" and ``delivery create`` /
``accept`` were entirely English. They now speak the CLI's language; English output and the
refusals' English ``message`` (``--json``) are as before."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from datamill.cli._words import return_reason, summary_line
from datamill.compliance.access import require_item_view
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.core.errors import Forbidden
from datamill.modalities.problem_words import word_error
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

_ENGLISH = re.compile(r"\b(task|item|items|batch|delivery|accepted|rejected|review|points|"
                      r"format|you|with|refused)\b")


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("DATAMILL_LANG")
    get_settings.cache_clear()


def test_the_loop_speaks_chinese_from_work_next_to_delivery(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "zh-loop", {"a.txt": "张伟在北京工作。",
                                                       "b.txt": "李娜住在上海。"})
    run(home, "data", "check", "zh-loop", "--as", "root", "--json")
    run(home, "work", "package", "zh-loop", "--stage", "annotate", "--as", "root")

    def zh_cli(*args: str, ok: bool = True) -> str:
        proc = run(home, *args, "--as", "root", ok=ok, DATAMILL_LANG="zh-CN")
        return proc.stdout + (proc.stderr or "")

    def task_of(stage: str) -> dict[str, object]:
        data: dict[str, object] = json.loads(run(
            home, "work", "next", "zh-loop", "--stage", stage, "--as", "root", "--json").stdout)
        return data

    first = task_of("annotate")
    shown = zh_cli("work", "next", "zh-loop")
    assert "（字符数 " in shown.splitlines()[0] and "预览 " in shown.splitlines()[0], shown
    other = ({1, 2} - {first["id"]}).pop()
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"spans": [{"start": 0, "end": 2, "label": "PER"}]}),
                      encoding="utf-8")
    refused = zh_cli("work", "submit", str(other), "--base-version", "0", "--annotation",
                     str(answer), ok=False)
    assert f"您没有领取任务 {other}；请先领取任务。" in refused, refused
    as_json = run(home, "work", "submit", str(other), "--base-version", "0", "--annotation",
                  str(answer), "--as", "root", "--json", ok=False, DATAMILL_LANG="zh-CN")
    said = json.loads(as_json.stdout)["error"]  # --json: the English message, the code
    assert said["message"] == f"you do not hold task {other}; claim a task first", said
    assert said["reason_code"] == "task_not_held", said
    bad = zh_cli("work", "assist", "1", "grabcut", "--params", "{nope", ok=False)
    assert "工具参数不是可读取的 JSON 对象" in bad and "readable" not in bad, bad

    run(home, "work", "submit", str(first["id"]), "--base-version", "0", "--annotation",
        str(answer), "--as", "root")
    review = task_of("review")
    run(home, "work", "review", str(review["id"]), "reject", "--reason", "不符合标注规范",
        "--as", "root")
    back = zh_cli("work", "next", "zh-loop")
    assert "已退回：审核：不符合标注规范" in back and "review:" not in back, back

    again = task_of("annotate")  # the returned task, submitted and accepted this time
    run(home, "work", "submit", str(again["id"]), "--base-version", str(again["current_version"]),
        "--annotation", str(answer), "--as", "root")
    review = task_of("review")
    run(home, "work", "review", str(review["id"]), "accept", "--as", "root")
    batch = zh_cli("qc", "batch", "zh-loop")
    assert re.fullmatch(r"批次 \d+（batch-\d+），共 1 个条目", batch.strip()), batch
    batch_id = re.search(r"批次 (\d+)", batch).group(1)  # type: ignore[union-attr]
    insp = json.loads(run(home, "qc", "inspect", batch_id, "--as", "root", "--json").stdout)
    for smp in insp["sample"]:
        run(home, "qc", "confirm", str(insp["id"]), str(smp["item_id"]), "--as", "root")
    run(home, "qc", "complete", str(insp["id"]), "--as", "root")
    made = zh_cli("delivery", "create", batch_id, "--out", str(tmp_path / "out"))
    assert re.match(r"交付 \d+：1 个条目，[\d.]+ 千字符 → ", made.strip()), made
    delivery = re.search(r"交付 (\d+)", made).group(1)  # type: ignore[union-attr]
    took = zh_cli("delivery", "accept", delivery, "--all")
    assert re.fullmatch(r"交付 \d+ 已验收：1 个条目，[\d.]+ 千字符", took.strip()), took
    for line in (shown.splitlines()[0], batch, made.split("→")[0], took, back.splitlines()[1]):
        assert not _ENGLISH.search(re.sub(r"batch-\d+", "", line)), line  # a name is data
    shown = zh_cli("delivery", "show", delivery)
    assert re.match(rf"交付 {delivery}（批次 {batch_id}）已验收：1 个条目", shown), shown
    listed = zh_cli("delivery", "list", "zh-loop")
    assert re.search(rf"{delivery} 批次 {batch_id} · 已验收 · 1 个条目，", listed), listed
    for line in (shown.split("→")[0], listed.split("→")[0]):
        assert not _ENGLISH.search(line), line
    english = run(home, "delivery", "show", delivery, "--as", "root").stdout  # unchanged
    assert f"delivery {delivery} (batch {batch_id}) accepted: 1 item" in english, english


def test_item_summaries_and_coded_returns_read_in_chinese(zh: None) -> None:
    summary = {"points": 4107, "format": "bin", "sensor": None}
    assert summary_line(summary) == "点数 4107，格式 bin"
    coded = return_reason(
        "review: 不符合标注规范: ", "review_rejected",
        {"reason": "不符合标注规范: ", "reason_code": "guidelines", "note": ""})
    assert coded == "审核：不符合标注规范", coded
    batch = return_reason(
        "batch-001 rejected: ...", "batch_rejected",
        {"batch": "batch-001", "inspection_id": 1, "defective": True,
         "reasons": [{"code": "defects_over", "defects": 2, "sample": 5, "accept": 0}]})
    assert batch == ("batch-001 未通过质检：抽样 5 条中有 2 条不合格（合格判定数 0）"
                     "。质检员判定此条目不合格（其版本见质检 #1）"), batch


def test_english_keeps_the_summary_keys_and_stored_returns() -> None:
    assert summary_line({"points": 4107, "format": "bin"}) == "points 4107, format bin"
    assert return_reason("review: wrong", "review_rejected", {"reason": "wrong"}) == \
        "review: wrong"


def test_viewing_an_item_without_a_task_is_a_coded_refusal(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from datamill.compliance.users import add_member
    from datamill.production.importing import import_source
    from datamill.production.projects import create_project
    from datamill.testing.pointclouds import render_scene, write_cloud

    points, _ = render_scene(800, objects=2)
    write_cloud(points, tmp_path / "in" / "frame.pcd")
    with runtime.session() as s:
        p = create_project(s, pointcloud_spec("lidar-held"))
        add_member(s, p.id, users["ann1"], actor_id=None)
        import_source(s, runtime.blobs, p.id, tmp_path / "in")
    with runtime.session() as s:
        item = s.query(Item).filter(Item.project_id == p.id).one()
        me = s.get(User, users["ann1"].id)
        assert me is not None
        with pytest.raises(Forbidden) as err:
            require_item_view(s, me, item)
    assert err.value.details["reason_code"] == "no_task_on_item"
    said, details = word_error(err.value.message, err.value.details, "zh-CN")
    assert said == f"您在条目 {item.id} 上没有任务。", said
    assert details["message_en"] == f"you hold no task on item {item.id}"
