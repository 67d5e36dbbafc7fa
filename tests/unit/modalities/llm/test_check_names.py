"""Found by a trial user (LLM team, zh-CN): the dashboard's checks chart showed the bare code,
"empty_turns检查未通过". Every automatic check of an LLM record now has a name and a failure
sentence in the web catalogue, in each language, as the other modalities' checks have."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.modalities.llm.checks import LlmRecordRequirements, run_record_checks
from datamill.web.check_text import check_sentence
from datamill.web.i18n import CATALOGUES, translator
from tests.unit.modalities.llm._cases import RECORD_REQ


def test_every_llm_check_is_named_and_explained_in_each_language(tmp_path: Path) -> None:
    chinese = "这是一个用中文写成的很长的问题，请回答它吧"
    record = {"type": "llm_record", "schema_version": 1, "id": "r1", "messages": [
        {"role": "assistant", "content": "you idiot 13812345678"},  # out of order, banned, PII
        {"role": "user", "content": ""},  # empty
        {"role": "user", "content": chinese},  # in a language the spec does not allow
        {"role": "user", "content": "x" * 30},
    ], "responses": [{"id": "a", "content": "x" * 30}]}  # one response; repeats a turn
    path = tmp_path / "r1.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    req = LlmRecordRequirements(**{**RECORD_REQ, "languages": ["en"], "max_turn_chars": 25,
                                   "pii": "reject"})
    outcomes = run_record_checks(path, req)
    names = {o.name for o in outcomes}
    assert names == {"decodable", "empty_turns", "turn_length", "role_order", "duplicate_turns",
                     "responses", "language", "banned_content", "personal_data"}
    assert [o.name for o in outcomes if o.passed] == ["decodable"]  # every other one fails
    for lang, catalogue in CATALOGUES.items():
        for name in names:
            assert f"check.name.{name}" in catalogue, (lang, name)
            assert f"check.fail.{name}" in catalogue, (lang, name)
    tr = translator("zh-CN")
    sentence = check_sentence(tr, "zh-CN")
    for o in outcomes:
        text = sentence({"name": o.name, "value": o.value, "reason": "stored reason"})
        assert o.name not in text and "stored reason" not in text, text
        assert o.name not in tr(f"check.name.{o.name}")
        # the chart's "<name> failed" when no value is stored
        assert o.name not in sentence({"name": o.name, "value": None, "reason": None})
