"""``datamill data import|imports|check|items`` under ``DATAMILL_LANG=zh-CN``: their lines,
tables and statuses were English ("2 rows: 2 imported ...", "Import report", "Set aside") while
the refusals around them were Chinese. ``--json`` is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


@pytest.mark.slow
def test_data_commands_speak_chinese(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "lang-data", {"a.txt": "张伟在北京工作。"})
    more = tmp_path / "more"
    more.mkdir()
    (more / "b.txt").write_text("李娜在上海。", encoding="utf-8")
    (more / "notes.md").write_text("not an item", encoding="utf-8")
    said = run(home, "data", "import", "lang-data", str(more), "--as", "root",
               DATAMILL_LANG="zh-CN").stdout
    assert "共 1 行：导入 1，已存在 0，拒绝 0（导入批次 2）" in said, said
    assert "未导入：文件夹中的 1 个文件" in said and "rows" not in said
    runs = run(home, "data", "imports", "lang-data", "--as", "root", DATAMILL_LANG="zh-CN").stdout
    assert "来源" in runs and "已结束" in runs and "source" not in runs, runs
    checked = run(home, "data", "check", "lang-data", "--as", "root", DATAMILL_LANG="zh-CN").stdout
    assert checked.startswith("已检查 2 个：通过 2，搁置 0"), checked
    items = run(home, "data", "items", "lang-data", "--as", "root", DATAMILL_LANG="zh-CN").stdout
    assert "条目" in items and "已通过检查" in items and "passed" not in items, items
    board = run(home, "project", "dashboard", "lang-data", "--as", "root",
                DATAMILL_LANG="zh-CN").stdout
    assert "lang-data：进度" in board and "已通过检查" in board and "每日提交" in board, board
    assert "progress" not in board and "check failures" not in board
    shown = run(home, "project", "show", "lang-data", DATAMILL_LANG="zh-CN").stdout
    assert "状态" in shown and "已通过检查" in shown and "2 个条目，" in shown, shown
    assert "items" not in shown and "passed" not in shown
    listed = run(home, "project", "list", DATAMILL_LANG="zh-CN").stdout
    assert "名称" in listed and "进行中" in listed and "modality" not in listed, listed
    run(home, "work", "package", "lang-data", "--stage", "annotate", "--as", "root")
    packages = run(home, "work", "packages", "lang-data", "--as", "root",
                   DATAMILL_LANG="zh-CN").stdout
    assert "环节" in packages and "标注" in packages and "assignee" not in packages, packages
