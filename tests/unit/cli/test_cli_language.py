"""The human output of the commands an annotator, a reviewer and an inspector type every day
(``work next|submit|skip|review``, ``qc inspect|confirm|complete``) speaks ``DATAMILL_LANG``:
a Mandarin team with ``DATAMILL_LANG=zh-CN`` read English lines there while the refusals were
already in Chinese. ``--json`` is unchanged (English ``reason``), and every Chinese entry of the
CLI's catalogue uses full-width punctuation and no spaces between Chinese words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datamill.cli import _common, quality
from datamill.cli._words import EN_CLI, ZH_CN_CLI
from datamill.core.code_words import ITEM_STATUS_WORDS, METRIC_WORDS, STATUS_WORDS, VERDICT_WORDS
from datamill.modalities.problem_words import REASON_WORDS, ZH_CN_PROBLEMS
from datamill.production.schemas import InspectionOut
from tests._zh_text import half_width_in_chinese
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run

EXPECTED = {
    "zh-CN": {
        "task": "任务 {task}（标注）条目 {ext}（", "version": "），版本 0",
        "next": "下一步：datamill work submit {task} --base-version 0 --as root",
        "skipped": "已跳过任务 {task}：看不清",
        "saved": "已保存条目 {item} 的第 1 版。",
        "review_task": "任务 {task}（审核）条目 {ext}",
        "current": "当前答案（标注）：",
        "reviewed": "接收：条目 {item} 现为“已审核”。",
        "nothing": "此环节已没有可分给您的任务。",
        "plan": "批次 {batch} 的质检 {insp}：批量 1，检验水平 II，AQL 2.5→样本量字码 A，"
                "样本量 1，Ac 0，Re 1",
        "sample": "条目 {item}（{ext}）：",
        "confirmed": "已确认条目 {item} 与交付内容一致（无修改）。",
        "verdict": "接收：",
        "score": "片段 F1 1.0000",
        "tail": "（样本量 1）",
    },
    "en": {
        "task": "task {task} (annotate) item {ext} (", "version": "), version 0",
        "next": "next: datamill work submit {task} --base-version 0 --as root",
        "skipped": "skipped task {task}: 看不清",
        "saved": "saved version 1 of item {item}",
        "review_task": "task {task} (review) item {ext}",
        "current": "current (annotation):",
        "reviewed": "accept: item {item} is now reviewed",
        "nothing": "no task left for you at this stage",
        "plan": "inspection {insp} of batch {batch}: lot 1, level II, AQL 2.5 → code A, "
                "sample 1, Ac 0 Re 1",
        "sample": "item {item} ({ext}):",
        "confirmed": "confirmed item {item} as delivered (no change)",
        "verdict": "accepted: ",
        "score": "span f1 1.0000",
        "tail": " (sample of 1)",
    },
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_daily_commands_speak_the_cli_language(tmp_path: Path, lang: str) -> None:
    home = imported_text_project(tmp_path, "lang-ner", {"a.txt": "张伟在北京工作。",
                                                         "b.txt": "李娜住在上海。"})
    run(home, "data", "check", "lang-ner", "--as", "root", "--json")
    run(home, "work", "package", "lang-ner", "--stage", "annotate", "--as", "root")
    said = EXPECTED[lang]

    def cli(*args: str, ok: bool = True) -> str:
        proc = run(home, *args, "--as", "root", ok=ok, DATAMILL_LANG=lang)
        return proc.stdout

    def task_of(stage: str) -> dict[str, object]:
        data: dict[str, object] = json.loads(run(
            home, "work", "next", "lang-ner", "--stage", stage, "--as", "root", "--json",
            DATAMILL_LANG=lang).stdout)
        return data

    first = task_of("annotate")
    shown = cli("work", "next", "lang-ner")
    lines = shown.splitlines()
    assert lines[0].startswith(said["task"].format(task=first["id"], ext=first["external_id"]))
    assert lines[0].endswith(said["version"]), lines
    assert said["next"].format(task=first["id"]) in shown
    assert cli("work", "skip", str(first["id"]), "--reason", "看不清").strip() == \
        said["skipped"].format(task=first["id"])

    second = task_of("annotate")
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"spans": [{"start": 0, "end": 2, "label": "PER"}]}),
                      encoding="utf-8")
    saved = cli("work", "submit", str(second["id"]), "--base-version", "0", "--annotation",
                str(answer))
    assert saved.strip() == said["saved"].format(item=second["item_id"])
    nothing = run(home, "work", "next", "lang-ner", "--as", "root", ok=False, DATAMILL_LANG=lang)
    assert nothing.returncode == 10 and nothing.stdout.strip() == said["nothing"]
    as_json = run(home, "work", "next", "lang-ner", "--as", "root", "--json", ok=False,
                  DATAMILL_LANG=lang)  # --json: the same object in every language
    assert json.loads(as_json.stdout) == {"task": None,
                                          "reason": "no task left for you at this stage"}

    review = task_of("review")
    shown = cli("work", "next", "lang-ner", "--stage", "review")
    assert shown.startswith(said["review_task"].format(task=review["id"],
                                                       ext=review["external_id"]))
    assert said["current"] in shown
    reviewed = cli("work", "review", str(review["id"]), "accept")
    assert reviewed.strip() == said["reviewed"].format(item=review["item_id"])

    batch = json.loads(run(home, "qc", "batch", "lang-ner", "--as", "root", "--json").stdout)
    shown = cli("qc", "inspect", str(batch["id"]))
    insp = json.loads(run(home, "qc", "inspect", str(batch["id"]), "--as", "root", "--json",
                          DATAMILL_LANG=lang).stdout)
    assert set(insp) >= {"id", "plan", "sample", "scores"}  # --json: keys as ever
    (sample,) = insp["sample"]
    assert shown.splitlines()[0] == said["plan"].format(batch=batch["id"], insp=insp["id"])
    assert said["sample"].format(item=sample["item_id"], ext=sample["external_id"]) in shown
    confirmed = cli("qc", "confirm", str(insp["id"]), str(sample["item_id"]))
    assert confirmed.strip() == said["confirmed"].format(item=sample["item_id"])
    done = cli("qc", "complete", str(insp["id"]))
    verdict = done.splitlines()[1]
    assert verdict.startswith(said["verdict"]) and said["score"] in verdict
    assert verdict.endswith(said["tail"]), verdict
    if lang == "zh-CN":  # nothing left in English but the data, ids and commands
        for words in ("task", "item", "version", "saved", "skipped", "accepted", "sample",
                      "inspection", "batch", "next:", "current", "confirmed"):
            assert not re.search(rf"\b{words}\b", done + confirmed + reviewed + saved), words


def test_the_cli_catalogue_has_every_sentence_in_both_languages() -> None:
    assert set(EN_CLI) == set(ZH_CN_CLI)
    for key, english in EN_CLI.items():
        names = set(re.findall(r"\{(\w+)\}", english))
        assert names == set(re.findall(r"\{(\w+)\}", ZH_CN_CLI[key])), key


@pytest.mark.parametrize("catalogue", ["cli", "problems", "reasons", "codes"])
def test_chinese_entries_use_full_width_punctuation(catalogue: str) -> None:
    """No half-width , : ; ! ? ( ) beside Chinese, and no space between two Chinese words, in
    the catalogues the CLI prints from: its own sentences, the refusals (problems and reason
    codes) and the codes' words (statuses, verdicts, metrics)."""
    tables = {
        "cli": ZH_CN_CLI, "problems": ZH_CN_PROBLEMS, "reasons": REASON_WORDS["zh-CN"],
        "codes": {**{f"status.{k}": v for k, v in STATUS_WORDS["zh-CN"].items()},
                  **{f"item_status.{k}": v for k, v in ITEM_STATUS_WORDS["zh-CN"].items()},
                  **{f"verdict.{k}": v for k, v in VERDICT_WORDS["zh-CN"].items()},
                  **{f"metric.{k}": v for k, v in METRIC_WORDS["zh-CN"].items()}},
    }
    assert half_width_in_chinese(tables[catalogue]) == {}


def test_a_rejected_batch_says_why_in_chinese(tmp_path: Path) -> None:
    """``qc complete`` of a rejected batch words its reasons as the pages do (the stored
    English sentences in zh-CN); English keeps them as stored."""
    home = imported_text_project(tmp_path, "lang-rej", {"a.txt": "张伟在北京工作。"})
    run(home, "data", "check", "lang-rej", "--as", "root", "--json")
    run(home, "work", "package", "lang-rej", "--stage", "annotate", "--as", "root")
    task = json.loads(run(home, "work", "next", "lang-rej", "--as", "root", "--json").stdout)
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"spans": [{"start": 0, "end": 2, "label": "PER"}]}),
                      encoding="utf-8")
    run(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
        str(answer), "--as", "root")
    review = json.loads(run(home, "work", "next", "lang-rej", "--stage", "review", "--as", "root",
                            "--json").stdout)
    run(home, "work", "review", str(review["id"]), "accept", "--as", "root")
    batch = json.loads(run(home, "qc", "batch", "lang-rej", "--as", "root", "--json").stdout)
    insp = json.loads(run(home, "qc", "inspect", str(batch["id"]), "--as", "root",
                          "--json").stdout)
    (sample,) = insp["sample"]
    fix = tmp_path / "fix.json"
    fix.write_text(json.dumps({"type": "text_annotation", "schema_version": 1, "spans": [
        {"start": 3, "end": 5, "label": "LOC"}]}), encoding="utf-8")
    run(home, "qc", "correct", str(insp["id"]), str(sample["item_id"]), "--file", str(fix),
        "--as", "root")
    done = run(home, "qc", "complete", str(insp["id"]), "--as", "root",
               DATAMILL_LANG="zh-CN").stdout
    assert done.splitlines()[1].startswith("拒收：")
    assert "  - 片段 F1 0.0000，低于要求的 0.9000" in done
    assert "  - 抽样 1 条中有 1 条不合格（合格判定数 0）" in done
    # English (no DATAMILL_LANG) keeps the stored sentences
    view = InspectionOut(
        id=1, batch_id=1, status="completed", verdict="rejected", plan=insp["plan"],
        scores={"span_f1": 0.0}, sample=[],
        reasons=["span f1 0.0000 < 0.9000",
                 "1 defective items in a sample of 1 (acceptance number 0)"])
    with _common.out.capture() as captured:
        quality._render_inspection(view)
    assert "  - span f1 0.0000 < 0.9000\n" in captured.get()
    assert "  - 1 defective items in a sample of 1 (acceptance number 0)\n" in captured.get()
