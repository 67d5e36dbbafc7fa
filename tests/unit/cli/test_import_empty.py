"""Importing a source of nothing (trial: ``data import PROJECT empty.jsonl`` printed "0 rows:
0 imported…" and exit 0) is a coded refusal, exit 2, JSON with --json; a manifest row naming no
file names the columns the project's modality reads (trial: a text project spoke of 'audio')."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_an_empty_source_is_refused_plainly_and_a_row_without_a_file_names_its_columns(
    tmp_path: Path,
) -> None:
    home = imported_text_project(tmp_path, "ner", {"a.txt": "北京欢迎你"})
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    refused = run(home, "data", "import", "ner", str(empty), "--as", "root", "--json", ok=False)
    assert refused.returncode == 2, refused.stdout  # noqa: PLR2004 - invalid input
    error = json.loads(refused.stdout)["error"]
    assert error["reason_code"] == "import_empty", error
    assert "empty.jsonl holds no rows" in error["message"]
    text = run(home, "data", "import", "ner", str(empty), "--as", "root", ok=False)
    assert text.returncode == 2 and "holds no rows" in text.stdout + text.stderr  # noqa: PLR2004
    assert "0 imported" not in text.stdout
    (tmp_path / "nothing").mkdir()
    folder = run(home, "data", "import", "ner", str(tmp_path / "nothing"), "--as", "root",
                 "--json", ok=False)
    assert json.loads(folder.stdout)["error"]["reason_code"] == "import_empty"
    zh = run(home, "data", "import", "ner", str(empty), "--as", "root", ok=False,
             DATAMILL_LANG="zh-CN")
    assert "没有任何数据行或文件" in zh.stdout + zh.stderr

    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"title": "no file here"}) + "\n")
    report = json.loads(run(home, "data", "import", "ner", str(wrong), "--as", "root",
                            "--json").stdout)
    reason = report["rejections"][0]["reason"]
    assert "row has no 'path' (or 'file') column" in reason and "audio" not in reason, reason


def test_the_missing_file_column_is_named_in_the_modalitys_words() -> None:
    from datamill.production._import_rows import NO_FILE, no_file_message

    assert no_file_message("speech.asr") == "row has no 'path' (or 'audio', 'audio_path', 'file') column"
    assert no_file_message("speech.tts") == no_file_message("speech.asr")
    assert no_file_message("image") == "row has no 'path' (or 'image', 'image_path', 'file') column"
    assert no_file_message("pointcloud") == "row has no 'path' (or 'file') column" != NO_FILE
