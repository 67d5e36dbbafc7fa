"""Trial h3 (round 4): ``datamill text prepare`` refused in English under ``DATAMILL_LANG=zh-CN``
(``c3.csv:3: item id '1' is used twice (first at c3.csv:2)``, ``no such file or folder``, a
missing column, a full output folder ...): its refusals had no code a face could word. Each
now has one, worded in en and zh-CN; the CLI test runs the real command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datamill.modalities.problem_words import word_error
from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.sources import prepare_text_source
from tests._cli import run_cli as run

_LATIN_WORDS = re.compile(r"\b(used|twice|first|such|file|folder|column|cells|header|empty|"
                          r"characters|exists|malformed)\b")


def _refusal(tmp_path: Path, name: str, body: str, out: str = "out") -> TextSourceError:
    src = tmp_path / name
    if body:
        src.write_text(body, encoding="utf-8")
    with pytest.raises(TextSourceError) as err:
        prepare_text_source(src, tmp_path / out)
    return err.value


@pytest.mark.parametrize(("name", "body"), [
    ("a.csv", 'id,text\n1,"北京欢迎你"\n1,"重复"\n'),
    ("b.txt", ""),
    ("c.csv", "id,body\n1,北京\n"),
    ("d.csv", 'id,text\n1,"北京",x\n'),
    ("e.jsonl", '{"id": 1, "text": "北京"\n'),
    ("f.jsonl", '["北京"]\n'),
    ("g.jsonl", '{"id": 1, "body": "北京"}\n'),
    ("h.doc", "北京"),
])
def test_text_prepare_refusals_read_in_chinese(tmp_path: Path, name: str, body: str) -> None:
    err = _refusal(tmp_path, name, body)
    said, _ = word_error(err.message, err.details, "zh-CN")
    assert said != err.message and not _LATIN_WORDS.search(said), said


def test_the_cli_refuses_a_repeated_id_in_chinese(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text('id,text\n1,"北京欢迎你"\n1,"重复"\n', encoding="utf-8")
    proc = run(tmp_path / "home", "text", "prepare", str(src), str(tmp_path / "o"), ok=False,
               DATAMILL_LANG="zh-CN")
    assert "条目编号 1 重复使用" in proc.stdout + proc.stderr
    proc = run(tmp_path / "home", "text", "prepare", str(src), str(tmp_path / "o"), "--json",
               ok=False, DATAMILL_LANG="zh-CN")
    got = json.loads(proc.stdout)["error"]
    assert got["reason_code"] == "text_id_twice" and got["first"] == "c.csv:2"
