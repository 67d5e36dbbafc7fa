"""Trial h6: a record whose id is Chinese (``问题-001``) was refused (ASCII ids only), first
with pydantic's "should match pattern", then with ``record_id_invalid``. A Chinese id is a
safe file name and its own delivery key, so it is now taken, alike by the import, the record
file, the delivery key and the annotation documents' response ids (the API's); an id that
cannot name a file (a separator, a space, a control character or direction mark, a leading
dot, over 150 bytes) is still refused in words, English and zh-CN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.core.errors import InvalidInput
from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS
from datamill.modalities.llm.records import parse_record, split_records
from datamill.modalities.llm.schema import parse_annotation
from datamill.production.delivery_keys import plain_key
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec

GOOD = ["问题-001", "录音_001", "ok-1", "Ｑ１.草稿", "问" * 50]
BAD = ["a/b", "录音 01", "x\u202egnp", ".隐藏", "-问题", "问" * 51, "a\\b", "问题:1"]


def _write(path: Path, ids: list[str]) -> None:
    path.write_text("\n".join(json.dumps({"id": i, "prompt": f"你好，请介绍一下你自己（{n}）。"},
                                         ensure_ascii=False) for n, i in enumerate(ids)) + "\n",
                    encoding="utf-8")


def test_a_chinese_record_id_names_its_file_and_a_bad_one_is_refused_in_words(
        tmp_path: Path) -> None:
    src = tmp_path / "records.jsonl"
    _write(src, GOOD + BAD)
    (tmp_path / "out").mkdir()
    got = list(split_records(src, tmp_path / "out"))
    assert [g[1] for g in got] == [f"{i}.json" for i in GOOD] + [None] * len(BAD)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{i}.json" for i in GOOD)
    assert {g[3]["code"] for g in got[len(GOOD):]} == {"record_id_invalid"}  # type: ignore[misc]
    assert got[len(GOOD)][3] == {"code": "record_id_invalid", "id": "'a/b'"}  # type: ignore[misc]
    assert "should match pattern" not in got[len(GOOD)][2]  # type: ignore[operator]
    zh = MODALITY_CHECK_FAIL_WORDS["zh-CN"]["record_id_invalid"].format(id="'a/b'")
    assert zh.startswith("记录编号 'a/b' 不能用作文件名")
    assert "问题-001" in zh


@pytest.mark.parametrize("bad", BAD)
def test_a_response_id_follows_the_record_ids_rule(bad: str) -> None:
    record = parse_record({"id": "问题-002", "prompt": "你好",
                           "responses": [{"id": "甲", "content": "一"}, {"id": "乙", "content": "二"}]})
    assert [r.id for r in record.responses] == ["甲", "乙"]
    doc = parse_annotation({"type": "llm_pairwise", "a": "甲", "b": "乙", "choice": "a",
                            "reason": "甲的回答更完整"})
    assert (doc.a, doc.b) == ("甲", "乙")  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        parse_annotation({"type": "llm_pairwise", "a": bad, "b": "乙", "choice": "a",
                          "reason": "甲的回答更完整"})


def test_a_chinese_record_id_is_the_items_id_and_its_delivery_key(
        runtime: Runtime, tmp_path: Path) -> None:
    src = tmp_path / "records.jsonl"
    _write(src, ["问题-001", "录音_001", "a/b"])
    with runtime.session() as s:
        pid = create_project(s, spec("sft")).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, src)
    assert (report.imported, report.rejected) == (2, 1)
    with runtime.session() as s:
        ids = sorted(s.scalars(select(Item.external_id).where(Item.project_id == pid)))
    assert ids == ["录音_001", "问题-001"]
    assert [plain_key(i) for i in ids] == ids  # delivered under its own name, no id map
