"""A catalog entry of a sub-modality no catalogue names (a bought set's ``text.dialogue``)
showed its raw code on Chinese pages (a trial found "模态 text.dialogue" in a list otherwise in
Chinese). Chinese pages now give its family's word with the code beside it; English pages keep
the code as the spec names it."""

from __future__ import annotations

from datamill.web.i18n import translator
from datamill.web.routes._common import code_label


def test_a_sub_modality_is_worded_by_its_family_in_chinese() -> None:
    zh, en = code_label(translator("zh-CN")), code_label(translator("en"))
    assert zh("modality", "text.dialogue") == "文本（text.dialogue）"
    assert zh("modality", "speech.asr") == "语音识别"  # a named one keeps its own word
    assert zh("modality", "nosuch.kind") == "nosuch.kind"  # no family: the code
    assert en("modality", "text.dialogue") == "text.dialogue"
    assert en("modality", "speech.asr") == "speech.asr"
