"""CLI lines that were English under ``DATAMILL_LANG=zh-CN`` (the zh-CN sweep, helper h4):
``project add-member`` ("bob is a member of …"), ``project speakers list`` (its table and "no
speaker list"), ``text prepare`` ("2 items", "next: …") and ``ledger customer-language``
("customer 1 … language zh-CN"). English prints what it always printed."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.cli._words_sweep_h4 import SWEEP_H4_EN, SWEEP_H4_ZH_CN
from tests._zh_text import half_width_in_chinese
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_the_sweep_words_are_complete_and_full_width() -> None:
    assert set(SWEEP_H4_ZH_CN) == set(SWEEP_H4_EN)
    assert half_width_in_chinese(SWEEP_H4_ZH_CN) == {}


def test_the_swept_lines_speak_chinese(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "zh-sweep", {"a.txt": "张伟在北京工作。"})
    run(home, "user", "create", "bob", "--role", "annotator", "--password", "password1",
        "--as", "root")

    def said(*args: str, language: str = "zh-CN") -> str:
        return " ".join(run(home, *args, DATAMILL_LANG=language).stdout.split())

    assert said("project", "add-member", "zh-sweep", "bob", "--as", "root") \
        == "bob 已是项目 zh-sweep 的成员"
    assert said("project", "add-member", "zh-sweep", "bob", "--as", "root", language="en") \
        == "bob is a member of zh-sweep"
    assert said("project", "speakers", "list", "zh-sweep") == "没有说话人列表：说话人可自由填写"
    source = tmp_path / "lines.txt"
    source.write_text("第一句。\n第二句。\n", encoding="utf-8")
    out = said("text", "prepare", str(source), str(tmp_path / "prepared"))
    assert out.startswith("2 个条目 → ") and "下一步：datamill data import PROJECT" in out, out
    out = said("text", "prepare", str(source), str(tmp_path / "again"), language="en")
    assert out.startswith("2 items → ") and "next: datamill data import" in out, out
    customer = json.loads(run(home, "ledger", "customer-add", "Acme", "ai_company", "CN",
                              "--as", "root", "--json").stdout)["id"]
    assert said("ledger", "customer-language", str(customer), "zh-CN", "--as", "root") \
        == f"客户 {customer}（Acme）的语言：zh-CN"


def test_a_listed_value_reads_with_the_chinese_list_mark() -> None:
    """A service lists the codes it takes as one value ("collection, labelling"): a Chinese
    sentence lists them with 、 (it read "类型须为以下之一：collection, labelling，…")."""
    from datamill.modalities.problem_words import word_reason

    details = {"reason_code": "kind_unknown", "value": "collection, labelling", "kind": "b"}
    assert word_reason(details, "zh-CN") == "类型须为以下之一：collection、labelling，不能是“b”。"
    assert "collection, labelling" in (word_reason(details, "en") or "collection, labelling")
