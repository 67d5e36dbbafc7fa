"""The failed-check sentences the modalities word themselves, English and zh-CN, beside core's
table (:data:`datamill.core.check_fail_words.CHECK_FAIL_WORDS`): an LLM record refused at import
(``modalities.llm.records``) and the speech ``phase`` check (``modalities.speech.phase``). Both
faces hand them to :func:`datamill.core.check_fail_words.check_fail_sentence` as ``more``: the
web's ``tcheck`` (:mod:`datamill.web.check_text`, whose catalogue also lists them as
``check.fail.<code>``) and the CLI's ``data check|items`` (``cli._check_reasons``, which left the
``phase`` words out and said "相位检查未通过" where the page named the flipped channels)."""

from __future__ import annotations

from datamill.modalities._reason_words_engine_h16 import (
    ENGINE_H16_REFUSALS_EN,
    ENGINE_H16_REFUSALS_ZH_CN,
)
from datamill.modalities._reason_words_records import RECORD_REFUSALS_EN, RECORD_REFUSALS_ZH_CN
from datamill.modalities._reason_words_signal import SIGNAL_CHECK_FAIL_EN, SIGNAL_CHECK_FAIL_ZH_CN

__all__ = ["MODALITY_CHECK_FAIL_WORDS"]

MODALITY_CHECK_FAIL_WORDS: dict[str, dict[str, str]] = {
    "en": {**RECORD_REFUSALS_EN, **SIGNAL_CHECK_FAIL_EN, **ENGINE_H16_REFUSALS_EN},
    "zh-CN": {**RECORD_REFUSALS_ZH_CN, **SIGNAL_CHECK_FAIL_ZH_CN, **ENGINE_H16_REFUSALS_ZH_CN},
}
