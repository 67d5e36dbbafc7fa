"""``datamill data import`` of a manifest under ``DATAMILL_LANG=zh-CN``: a refused row's reason
was English inside the Chinese report, either whole ("prompt: contains a NUL character",
"age: 'old' is not a whole number from 0 to 150") or the CSV parser's part of a Chinese
sentence ("第 3 行不是有效的 CSV：field larger than field limit (131072)")."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_refused_manifest_rows_read_in_chinese(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "zh-rows", {"a.txt": "张伟在北京工作。"})
    src = tmp_path / "src"
    src.mkdir()
    for name in ("b", "c", "d", "e"):
        (src / f"{name}.txt").write_text(f"李娜在上海{name}。", encoding="utf-8")
    (src / "manifest.csv").write_text(
        "path,text,age\nb.txt,ok,30\nc.txt," + "x" * 200_000 + ",30\n"
        "d.txt,a\x00b,30\ne.txt,fine,old\n", encoding="utf-8")
    manifest = str(src / "manifest.csv")
    said = run(home, "data", "import", "zh-rows", manifest, "--as", "root",
               DATAMILL_LANG="zh-CN").stdout
    assert "第 3 行不是有效的 CSV：单元格超过 131072 个字符的上限" in said, said
    assert "“prompt”含有 NUL 字符" in said, said
    assert "“age”的值 'old' 不是 0 到 150 之间的整数" in said, said
    assert "field limit" not in said and "NUL character" not in said and "whole number" \
        not in said
    report = json.loads(run(home, "data", "import", "zh-rows", manifest, "--as", "root",
                            "--json").stdout)
    reasons = {r["source"]: r["reason"] for r in report["rejections"]}
    assert reasons["manifest.csv:4"] == "prompt: contains a NUL character", reasons  # as before
    assert reasons["manifest.csv:5"] == "age: 'old' is not a whole number from 0 to 150"
