"""Known left-out 1 (round 3, h3): a banned word typed with look-alike letters passed the word
check: full-width ``ｉｄｉｏｔ`` (a Chinese IME in full-width mode), a Cyrillic ``і``/``о``
(``іdіоt``), a zero-width space inside (``id\\u200biot``, ``傻\\u200b瓜``) or a space between
the Chinese characters (``傻 瓜``). The check now compares folded words
(:func:`datamill.core.lookalike.fold_cjk_gaps`), on import (record checks) and on an SFT
submission alike, and names the word as the list spells it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.llm.plugin import LlmPlugin
from datamill.modalities.llm.records import canonical_record, parse_record
from datamill.modalities.llm.schema import LlmRequirements
from tests.unit.modalities.llm._cases import requirements

PLUGIN = LlmPlugin()
SPOOFS = ["you ｉｄｉｏｔ", "you \u0456d\u0456\u043et", "you ID\u200bIOT!", "你这个傻\u200b瓜",
          "你这个傻　瓜", "you ＩＤＩＯＴ"]


@pytest.mark.parametrize("answer", SPOOFS)
def test_a_look_alike_banned_word_fails_the_record_check(tmp_path: Path, answer: str) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(canonical_record(parse_record(
        {"id": "x", "prompt": "What is the capital of France?",
         "responses": ["Paris is the capital of France.", answer]})))
    req = LlmRequirements.model_validate(requirements("pairwise"))
    got = {o.name: o for o in PLUGIN.run_checks(path, req, None)}["banned_content"]
    assert not got.passed and got.value == 1
    assert ("idiot" in (got.reason or "")) or ("傻瓜" in (got.reason or ""))


@pytest.mark.parametrize("answer", SPOOFS)
def test_a_look_alike_banned_word_is_refused_in_an_sft_answer(answer: str) -> None:
    req = LlmRequirements.model_validate(requirements("sft"))
    payload: dict[str, Any] = {"type": "llm_sft", "turns": [
        {"role": "user", "content": "hello"}, {"role": "assistant", "content": answer}]}
    with pytest.raises(InvalidInput, match=r"banned content: (idiot|傻瓜)"):
        PLUGIN.validate_annotation(payload, {}, req)


def test_words_that_only_contain_a_banned_word_still_pass() -> None:
    req = LlmRequirements.model_validate(requirements("sft"))
    for answer in ("idiotic ideas", "the idiots", "ideas"):
        payload = {"type": "llm_sft", "turns": [
            {"role": "user", "content": "hello"}, {"role": "assistant", "content": answer}]}
        assert PLUGIN.validate_annotation(payload, {}, req).payload["turns"][1]["content"] == answer
