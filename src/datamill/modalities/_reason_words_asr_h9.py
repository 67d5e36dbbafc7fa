"""The words of a speech transcript's segment problems (``modalities.speech.segments``: a
segment outside the audio, ending before it starts, overlapping another, unknown flags and
noise symbols, speakers no delivery can name), English and zh-CN: the problem catalogue
(``prob.<code>``) words each coded record in the reader's language, so an annotator who saves
through the API or the CLI in zh-CN reads them in Chinese as the workbench shows them."""

from __future__ import annotations

__all__ = ["ASR_SEGMENT_PROBLEMS_EN", "ASR_SEGMENT_PROBLEMS_ZH_CN"]

_SEG_EN = "segment {n} ({start}-{end} ms)"
_SEG_ZH = "第 {n} 段（{start}–{end} 毫秒）"

ASR_SEGMENT_PROBLEMS_EN: dict[str, str] = {
    "prob.asr_transcript_required": "transcript: required, but empty (the spec's "
                                    "requirements.transcript_required); type what is said, or "
                                    "a noise symbol",
    "prob.asr_outside_audio": _SEG_EN + " lies outside the audio (0-{duration} ms)",
    "prob.asr_ends_before_start": _SEG_EN + " ends before it starts",
    "prob.asr_speaker_long": _SEG_EN + " names a speaker of {chars} characters; a speaker id has "
                                       "at most {most}",
    "prob.asr_speaker_chars": _SEG_EN + " names speaker {speaker}, which no delivery format can "
                                        "name (whitespace, a control character or a path "
                                        "separator); write it as {spelling}",
    "prob.asr_unknown_flag": _SEG_EN + " has unknown flag {flag}; allowed: {allowed}",
    "prob.asr_unknown_noise": _SEG_EN + " uses unknown noise symbols {symbols}; allowed: "
                                        "{allowed}",
    "prob.asr_unclosed_bracket": _SEG_EN + " has an unclosed bracket: {fragment}; write a noise "
                                           "symbol whole, like {example}",
    "prob.asr_overlap": "segments {n} and {m} overlap ({start} < {end} ms)",
    "prob.asr_speaker_not_listed": "segment {n} has speaker {speaker}, not on the project's "
                                   "list ({allowed})",
    # a TTS syllable typed with tone marks or capitals (modalities.tts.consistency)
    "prob.tts_not_pinyin.spelled": "syllable {number}: {label} is not a pinyin syllable as the "
                                   "phone set writes it: write {spelling} (a tone digit, lower "
                                   "case, ü as v)",
}

ASR_SEGMENT_PROBLEMS_ZH_CN: dict[str, str] = {
    "prob.asr_transcript_required": "转写文本为必填项（规格的 requirements.transcript_required），"
                                    "但为空：请输入所说的内容，或插入噪声符号",
    "prob.asr_outside_audio": _SEG_ZH + "超出音频范围（0–{duration} 毫秒）",
    "prob.asr_ends_before_start": _SEG_ZH + "的结束时间早于开始时间",
    "prob.asr_speaker_long": _SEG_ZH + "：说话人编号有 {chars} 个字符，最多允许 {most} 个",
    "prob.asr_speaker_chars": _SEG_ZH + "：说话人 {speaker} 含有空白、控制字符或路径分隔符，任何交付"
                                        "格式都无法用它命名说话人；请写成 {spelling}",
    "prob.asr_unknown_flag": _SEG_ZH + "：未知的标记 {flag}；允许：{allowed}",
    "prob.asr_unknown_noise": _SEG_ZH + "：未知的噪声符号 {symbols}；允许的符号：{allowed}",
    "prob.asr_unclosed_bracket": _SEG_ZH + "：括号没有闭合（{fragment}）；请完整输入噪声符号，如 "
                                           "{example}",
    "prob.asr_overlap": "第 {n} 段与第 {m} 段重叠（{start} < {end} 毫秒）",
    "prob.asr_speaker_not_listed": "第 {n} 段：说话人 {speaker} 不在项目的说话人列表中（{allowed}）",
    "prob.tts_not_pinyin.spelled": "第 {number} 个音节「{label}」不是音素集的拼音写法：请写成 "
                                   "{spelling}（声调用数字，小写，ü 写作 v）",
}
