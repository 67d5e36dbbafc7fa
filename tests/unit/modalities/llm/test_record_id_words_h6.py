"""Trial h6: a record whose id is Chinese (``问题-001``) or holds a slash was refused with
pydantic's "id: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'", in
English on the zh-CN import page too. It now has its own code, ``record_id_invalid``, worded
in English and zh-CN with what an id may hold and what to do."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS
from datamill.modalities.llm.records import split_records


def test_a_chinese_record_id_is_refused_in_words(tmp_path: Path) -> None:
    src = tmp_path / "records.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "prompt": "你好"}, ensure_ascii=False)
                             for i in ("问题-001", "a/b", "ok-1")) + "\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    got = list(split_records(src, tmp_path / "out"))
    assert [g[1] for g in got] == [None, None, "ok-1.json"]
    assert got[0][3] == {"code": "record_id_invalid", "id": "'问题-001'"}  # type: ignore[misc]
    assert "should match pattern" not in got[0][2]  # type: ignore[operator]
    zh = MODALITY_CHECK_FAIL_WORDS["zh-CN"]["record_id_invalid"].format(id="'问题-001'")
    assert zh.startswith("记录编号 '问题-001' 不能用作文件名")
