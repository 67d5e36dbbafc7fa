"""Trial h3 (round 4): a Chinese text with an English brand name or acronym in it failed the
language check of a ``languages: [zh]`` project, text and LLM alike: "我用iPhone拍照。" has 6 of
its 10 letters in Latin script, and the foreign-script rule (a fifth of the letters in a script
no wanted language uses) refused it although the detector read it as Chinese. Latin, like the
other scripts the detector has models for, is now left to the detector; scripts it has no
model for (Arabic, Hebrew ...) are still counted."""

from __future__ import annotations

import pytest

from datamill.modalities.llm.checks import TextUnit, language_problem
from datamill.modalities.llm.schema import LlmRequirements
from datamill.modalities.text.checks import run_text_checks
from datamill.modalities.text.schema import TextChecksRequirements
from tests.unit.modalities.llm._cases import requirements
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

ZH_TEXT = TextChecksRequirements.model_validate({**TEXT_REQUIREMENTS["text"], "languages": ["zh"]})
ZH_LLM = LlmRequirements.model_validate(requirements("sft", languages=["zh"], min_language_chars=4))
CHINESE = ["我用iPhone拍照。", "我喜欢看NBA和NFL比赛。", "ＡＰＰ下载量很高，用户很满意。",
           "Python是一种编程语言，由Guido van Rossum开发。", "请打开 Microsoft Word 和 Excel 文件。"]


@pytest.mark.parametrize("text", CHINESE)
def test_chinese_with_latin_words_passes_a_zh_project(text: str) -> None:
    out = {o.name: o for o in run_text_checks(text.encode(), "a.txt", ZH_TEXT)}
    assert out["language"].passed, out["language"].reason
    unit = TextUnit(label="turn 2 (assistant)", role="assistant", text=text)
    assert language_problem(unit, ZH_LLM.record) is None


def test_english_and_arabic_are_still_refused_in_a_zh_project() -> None:
    for text in ("This is an English sentence about the weather today.",
                 "مرحبا بالعالم هذا نص عربي طويل جدا 你好"):
        out = {o.name: o for o in run_text_checks(text.encode(), "a.txt", ZH_TEXT)}
        assert not out["language"].passed, text
