"""The words of a TTS annotation's tier problems (``modalities.tts.consistency``: pinyin
labels, nesting, spelling, readings, tones, the words against the prompt), English and zh-CN:
the problem catalogue (``prob.<code>``, ``prob.<code>.<edge>`` for a tier's own sentence)
words each coded record in the reader's language."""

from __future__ import annotations

__all__ = ["TTS_TIER_PROBLEMS_EN", "TTS_TIER_PROBLEMS_ZH_CN"]

_AT_EN = "{label} at {start}-{end} ms"
_AT_ZH = "「{label}」（{start}-{end} 毫秒）"

TTS_TIER_PROBLEMS_EN: dict[str, str] = {
    "prob.tts_not_pinyin": "syllable {number}: {label} is not a pinyin syllable",
    "prob.tts_not_pinyin.umlaut": "syllable {number}: {label} is not a pinyin syllable (the "
                                  "phone set writes ü as v: lv4)",
    "prob.tts_no_tone_digit": "syllable {number}: {label} has no tone digit (1-4, 5 for the "
                              "neutral tone)",
    "prob.tts_bad_tone_digit": "syllable {number}: {label} has tone {tone}, not a tone (1-4, 5 "
                               "for the neutral tone)",
    "prob.tts_tier_empty.syllables": "the syllables tier is empty, but the words tier has "
                                     "{count} intervals (each word needs its syllables)",
    "prob.tts_tier_empty.phones": "the phones tier is empty, but the syllables tier has {count} "
                                  "intervals (each syllable needs its phones)",
    "prob.tts_under_nothing.syllables": "syllable {number} " + _AT_EN + " lies under no word",
    "prob.tts_under_nothing.phones": "phone {number} " + _AT_EN + " lies under no syllable",
    "prob.tts_crosses_edge.syllables": "syllable {number} " + _AT_EN + " crosses the edge of "
                                       "word {parent_number} {parent} ({parent_start}-"
                                       "{parent_end} ms)",
    "prob.tts_crosses_edge.phones": "phone {number} " + _AT_EN + " crosses the edge of "
                                    "syllable {parent_number} {parent} ({parent_start}-"
                                    "{parent_end} ms)",
    "prob.tts_nothing_under.syllables": "word {number} " + _AT_EN + " has no syllable under it",
    "prob.tts_nothing_under.phones": "syllable {number} " + _AT_EN + " has no phone under it",
    "prob.tts_start_off.syllables": "word {number} " + _AT_EN + " starts {off} ms from its "
                                    "first syllable ({at} ms): a word boundary must be a "
                                    "syllable boundary (within {tolerance} ms)",
    "prob.tts_start_off.phones": "syllable {number} " + _AT_EN + " starts {off} ms from its "
                                 "first phone ({at} ms): a syllable boundary must be a phone "
                                 "boundary (within {tolerance} ms)",
    "prob.tts_end_off.syllables": "word {number} " + _AT_EN + " ends {off} ms from its last "
                                  "syllable ({at} ms): a word boundary must be a syllable "
                                  "boundary (within {tolerance} ms)",
    "prob.tts_end_off.phones": "syllable {number} " + _AT_EN + " ends {off} ms from its last "
                               "phone ({at} ms): a syllable boundary must be a phone boundary "
                               "(within {tolerance} ms)",
    "prob.tts_spelling": "syllable {number} " + _AT_EN + " is spelled {want}, but its phones "
                         "are {got}",
    "prob.tts_character_count": "word {number} " + _AT_EN + " has {chars} characters but "
                                "{syllables} syllables under it",
    "prob.tts_character_count.erhua": "word {number} " + _AT_EN + " has {chars} characters "
                                      "({erhua} erhua syllables reading two) but {syllables} "
                                      "syllables under it",
    "prob.tts_not_a_reading": "syllable {number} " + _AT_EN + " is not a reading of "
                              "{character} ({readings})",
    "prob.tts_tone_over_nothing": "tone {number} " + _AT_EN + " lies over no syllable",
    "prob.tts_tone_boundaries": "tone {number} " + _AT_EN + " does not match the boundaries of "
                                "syllable {syllable_number} {syllable} ({syllable_start}-"
                                "{syllable_end} ms)",
    "prob.tts_tone_mismatch": "tone {number} " + _AT_EN + ", but syllable {syllable_number} "
                              "{syllable} has tone {tone}",
    "prob.tts_no_tone_interval": "syllable {number} " + _AT_EN + " has no interval in the "
                                 "tones tier",
    "prob.tts_word_off_prompt": "word {number} " + _AT_EN + " where the prompt reads "
                                "{follows} (prompt: {prompt})",
    "prob.tts_word_off_prompt.ended": "word {number} " + _AT_EN + " where the prompt has ended "
                                      "(prompt: {prompt})",
    "prob.tts_words_not_prompt": "the words read {said}, the prompt {prompt}",
    "prob.tts_words_end_early": "the words end before the prompt does (they read {said}; "
                                "prompt: {prompt})",
}

TTS_TIER_PROBLEMS_ZH_CN: dict[str, str] = {
    "prob.tts_not_pinyin": "第 {number} 个音节「{label}」不是拼音音节",
    "prob.tts_not_pinyin.umlaut": "第 {number} 个音节「{label}」不是拼音音节（音素集把 ü 写作 v："
                                  "lv4）",
    "prob.tts_no_tone_digit": "第 {number} 个音节「{label}」没有声调数字（1-4，轻声为 5）",
    "prob.tts_bad_tone_digit": "第 {number} 个音节「{label}」的声调 {tone} 不是声调（1-4，轻声为 5）",
    "prob.tts_tier_empty.syllables": "音节层为空，但词层有 {count} 个区间（每个词都需要其音节）",
    "prob.tts_tier_empty.phones": "音素层为空，但音节层有 {count} 个区间（每个音节都需要其音素）",
    "prob.tts_under_nothing.syllables": "第 {number} 个音节" + _AT_ZH + "不在任何词之下",
    "prob.tts_under_nothing.phones": "第 {number} 个音素" + _AT_ZH + "不在任何音节之下",
    "prob.tts_crosses_edge.syllables": "第 {number} 个音节" + _AT_ZH + "越过了第 {parent_number} "
                                       "个词「{parent}」（{parent_start}-{parent_end} 毫秒）的边界",
    "prob.tts_crosses_edge.phones": "第 {number} 个音素" + _AT_ZH + "越过了第 {parent_number} "
                                    "个音节「{parent}」（{parent_start}-{parent_end} 毫秒）的边界",
    "prob.tts_nothing_under.syllables": "第 {number} 个词" + _AT_ZH + "下没有音节",
    "prob.tts_nothing_under.phones": "第 {number} 个音节" + _AT_ZH + "下没有音素",
    "prob.tts_start_off.syllables": "第 {number} 个词" + _AT_ZH + "的起点与其第一个音节（{at} 毫秒）"
                                    "相差 {off} 毫秒：词边界必须是音节边界（误差 {tolerance} 毫秒以内）",
    "prob.tts_start_off.phones": "第 {number} 个音节" + _AT_ZH + "的起点与其第一个音素（{at} 毫秒）"
                                 "相差 {off} 毫秒：音节边界必须是音素边界（误差 {tolerance} 毫秒以内）",
    "prob.tts_end_off.syllables": "第 {number} 个词" + _AT_ZH + "的终点与其最后一个音节（{at} 毫秒）"
                                  "相差 {off} 毫秒：词边界必须是音节边界（误差 {tolerance} 毫秒以内）",
    "prob.tts_end_off.phones": "第 {number} 个音节" + _AT_ZH + "的终点与其最后一个音素（{at} 毫秒）"
                               "相差 {off} 毫秒：音节边界必须是音素边界（误差 {tolerance} 毫秒以内）",
    "prob.tts_spelling": "第 {number} 个音节" + _AT_ZH + "应拼作 {want}，但其音素为 {got}",
    "prob.tts_character_count": "第 {number} 个词" + _AT_ZH + "有 {chars} 个汉字，但其下有 "
                                "{syllables} 个音节",
    "prob.tts_character_count.erhua": "第 {number} 个词" + _AT_ZH + "有 {chars} 个汉字（其中 "
                                      "{erhua} 个儿化音节各读两个字），但其下有 {syllables} 个音节",
    "prob.tts_not_a_reading": "第 {number} 个音节" + _AT_ZH + "不是「{character}」的读音"
                              "（{readings}）",
    "prob.tts_tone_over_nothing": "第 {number} 个声调" + _AT_ZH + "不在任何音节之上",
    "prob.tts_tone_boundaries": "第 {number} 个声调" + _AT_ZH + "与第 {syllable_number} 个音节"
                                "「{syllable}」（{syllable_start}-{syllable_end} 毫秒）的边界不一致",
    "prob.tts_tone_mismatch": "第 {number} 个声调" + _AT_ZH + "与第 {syllable_number} 个音节"
                              "「{syllable}」的声调 {tone} 不一致",
    "prob.tts_no_tone_interval": "第 {number} 个音节" + _AT_ZH + "在声调层中没有对应区间",
    "prob.tts_word_off_prompt": "第 {number} 个词" + _AT_ZH + "处，提示语应为「{follows}」"
                                "（提示语：「{prompt}」）",
    "prob.tts_word_off_prompt.ended": "第 {number} 个词" + _AT_ZH + "处，提示语已经结束"
                                      "（提示语：「{prompt}」）",
    "prob.tts_words_not_prompt": "各词读作「{said}」，而提示语为「{prompt}」",
    "prob.tts_words_end_early": "词在提示语结束之前就结束了（词读作「{said}」；提示语：「{prompt}」）",
}
