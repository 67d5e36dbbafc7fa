"""Import refusals a zh-CN reader got in English: a manifest path out of the import folder
(``../x.png``, ``/etc/x.png``) or a symbolic link pointing out of it carried no code, so the
CLI and the web page showed "escapes the import folder" as written; and the CLI worded a
``same_bytes`` refusal (a renamed copy) from the refusal registry alone, which has no words
for it (the web page words it from ``check.fail.same_bytes``). Both are now worded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from datamill.config import get_settings
from datamill.modalities.problem_words import word_reason
from datamill.production._import_rows import iter_source_rows


def test_rows_out_of_the_import_folder_are_coded_and_worded_in_zh(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    os.symlink(tmp_path / "secret.png", root / "link.png")
    (root / "m.csv").write_text("path\n../secret.png\n/etc/hosts.png\nlink.png\n",
                                encoding="utf-8")
    rows = list(iter_source_rows(root / "m.csv", root))
    assert [r.error for r in rows] == [  # the English words as before
        "path '../secret.png' escapes the import folder",
        "path '/etc/hosts.png' escapes the import folder",
        "path 'link.png' is a symbolic link that points outside the import folder"]
    codes = [(r.coded or {}).get("code") for r in rows]
    assert codes == ["path_outside", "path_outside", "path_link_outside"]
    said = [word_reason({**(r.coded or {}), "reason_code": c}, "zh-CN") for r, c in zip(
        rows, codes, strict=True)]
    assert said[0] == ("../secret.png 位于导入文件夹之外（绝对路径或含 ..）：不予读取，"
                       "请给出导入文件夹内的相对路径")
    assert said[2] == "link.png 是指向导入文件夹之外的符号链接：不予读取"
    # a folder import names the link by its place in the folder
    (folder_row,) = [r for r in iter_source_rows(root, root, (".png",)) if r.error]
    assert (folder_row.coded or {}).get("code") == "path_link_outside"
    assert word_reason({**(folder_row.coded or {}), "reason_code": "path_link_outside"},
                       "zh-CN") == "link.png 是指向导入文件夹之外的符号链接：不予读取"


def test_the_cli_words_a_same_bytes_refusal_in_zh(monkeypatch: pytest.MonkeyPatch) -> None:
    from datamill.cli.data import _rejection_words

    refused = {"source": "copy.png", "code": "same_bytes", "kept": "s1",
               "reason": "same bytes as item 's1' (s1.png), which is kept: ..."}
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert _rejection_words(refused) == "与条目 s1 的文件完全相同（字节一致），保留的是该条目"
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
    assert _rejection_words(refused) == refused["reason"]  # English: as the import wrote it
