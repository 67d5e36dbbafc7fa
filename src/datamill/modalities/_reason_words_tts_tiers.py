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
    "prob.tts_not_a_reading.word": "syllable {number} " + _AT_EN + " is not a reading of "
                                   "{character} in {word} ({readings})",
    # a tier checked on its own (modalities.tts.schema); {tier} is worded by prob.tier.<name>
    "prob.tier.words": "word", "prob.tier.syllables": "syllable", "prob.tier.phones": "phone",
    "prob.tier.pos": "part-of-speech interval", "prob.tier.stress": "stress interval",
    "prob.tier.tones": "tone",
    "prob.tts_ends_before_start": "{tier} {number} " + _AT_EN + " does not end after it starts",
    "prob.tts_past_audio": "{tier} {number} " + _AT_EN + " ends after the audio ({duration} ms)",
    "prob.tts_empty_label": "{tier} {number} ({start}-{end} ms) has an empty label",
    "prob.tts_overlaps_previous": "{tier} {number} " + _AT_EN + " starts before the previous "
                                  "interval ends ({previous_end} ms)",
    "prob.tts_not_a_phone": "phone {number}: {label} is not in the {language} phone set",
    "prob.tts_not_a_stress": "stress interval {number}: {label} is not a stress level (0, 1, 2)",
    "prob.tts_not_a_tone": "tone {number}: {label} is not a tone (1-5)",
    "prob.tts_pos_too_long": "part-of-speech interval {number}: {label} is longer than {limit} "
                             "characters",
    "prob.tts_not_a_boundary": "prosody point {number}: {label} is not a boundary level (#1-#4)",
    "prob.tts_prosody_past_audio": "prosody point {number} at {time} ms is after the audio "
                                   "({duration} ms)",
    "prob.tts_prosody_out_of_order": "prosody point {number} at {time} ms is not after the "
                                     "previous point ({previous} ms)",
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
    "prob.tts_not_a_reading.word": "第 {number} 个音节" + _AT_ZH + "不是「{word}」中「{character}」"
                                   "的读音（{readings}）",
    "prob.tier.words": "词", "prob.tier.syllables": "音节", "prob.tier.phones": "音素",
    "prob.tier.pos": "词性区间", "prob.tier.stress": "重音区间", "prob.tier.tones": "声调",
    "prob.tts_ends_before_start": "第 {number} 个{tier}" + _AT_ZH + "的结束时间不晚于开始时间",
    "prob.tts_past_audio": "第 {number} 个{tier}" + _AT_ZH + "结束于音频之后（音频 {duration} 毫秒）",
    "prob.tts_empty_label": "第 {number} 个{tier}（{start}-{end} 毫秒）的标签为空",
    "prob.tts_overlaps_previous": "第 {number} 个{tier}" + _AT_ZH + "在上一个区间结束"
                                  "（{previous_end} 毫秒）之前就开始了",
    "prob.tts_not_a_phone": "第 {number} 个音素「{label}」不在 {language} 音素集中",
    "prob.tts_not_a_stress": "第 {number} 个重音区间「{label}」不是重音级别（0、1、2）",
    "prob.tts_not_a_tone": "第 {number} 个声调「{label}」不是声调（1-5）",
    "prob.tts_pos_too_long": "第 {number} 个词性区间「{label}」超过 {limit} 个字符",
    "prob.tts_not_a_boundary": "第 {number} 个韵律点「{label}」不是边界级别（#1-#4）",
    "prob.tts_prosody_past_audio": "第 {number} 个韵律点（{time} 毫秒）在音频之后（音频 {duration} 毫秒）",
    "prob.tts_prosody_out_of_order": "第 {number} 个韵律点（{time} 毫秒）不在上一个点"
                                     "（{previous} 毫秒）之后",
}
