"""The scoring conventions a delivery's datasheet states: which metrics judged the batches (with
their thresholds and what they count) and how transcripts were normalised before scoring.

A trial customer of a Mandarin ASR delivery could not tell from the datasheet how numerals,
tags such as ``[noise]``, punctuation, case and full-width forms had been treated, nor which
metric accepted the data. :func:`scoring_section` builds the datasheet's ``scoring`` part from
the project's configuration (its acceptance thresholds, the modality's normalisation, the spec's
``text_normalization``): codes for programs and pages (the web page words them in English and
Chinese through its catalogue) and a ``statement`` in English for the reader of
``datasheet.json``.

Examples:
    >>> from datamill.qc.text_conventions import TextNormalization
    >>> from datamill.qc.text_norm import normalization_codes
    >>> s = scoring_section([("mixed_accuracy", 0.97)],
    ...                     normalization_codes("zh-CN", TextNormalization(numerals="hanzi")))
    >>> s["metrics"], s["normalization"]["numerals"], s["normalization"]["chinese_script"]
    ([{'name': 'mixed_accuracy', 'threshold': 0.97, 'counts': 'mixed_tokens'}], 'hanzi', 'as_written')
    >>> s["statement"][0]
    'Accepted by mixed_accuracy >= 0.97 (1 - MER: each CJK character is a token, each run of Latin letters or digits one word).'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["METRIC_COUNTS", "NORMALIZATION_FIELDS", "scoring_section", "scoring_statement"]

#: what each transcript metric counts (a code; metrics of other modalities have none)
METRIC_COUNTS: Final[dict[str, str]] = {
    "character_accuracy": "characters", "mixed_accuracy": "mixed_tokens",
    "sentence_accuracy": "texts", "word_error_rate": "words",
}
_COUNTS_TEXT: Final[dict[str, str]] = {
    "characters": "1 - CER over characters, the spaces between words included",
    "mixed_tokens": "1 - MER: each CJK character is a token, each run of Latin letters or digits"
                    " one word",
    "texts": "the share of texts transcribed exactly, after normalisation",
    "words": "word-level, each CJK character a word",
}
#: the normalisation steps, in the order they are applied and stated
NORMALIZATION_FIELDS: Final = ("unicode", "case", "punctuation", "tags", "spacing",
                               "chinese_script", "numerals")
_RULE_TEXT: Final[dict[str, str]] = {
    "unicode.nfkc": "Unicode NFKC: full-width letters, digits and punctuation count as their"
                    " ASCII forms (ＡＢＣ１２ = ABC12).",
    "case.casefold": "Case is ignored (case folding).",
    "case.casefold_turkic": "Case is ignored (case folding with Turkish dotted and dotless i).",
    "punctuation.removed": "Punctuation is ignored, CJK full-width punctuation included"
                           " (，。！？“”); %, ‰ and a minus sign before a digit count.",
    "tags.removed": "Bracketed tags such as [noise], <unk> and {breath} are removed before"
                    " scoring.",
    "spacing.cjk": "Runs of spaces count as one; spaces next to Chinese or Japanese characters"
                   " are ignored.",
    "chinese_script.as_written": "Traditional and simplified characters differ (後 is not 后).",
    "chinese_script.simplified": "Traditional characters are converted to simplified ones"
                                 " before scoring (後 = 后).",
    "chinese_script.traditional": "Simplified characters are converted to traditional ones"
                                  " before scoring (后 = 後).",
    "numerals.as_written": "Digits and Chinese numerals differ (3 is not 三).",
    "numerals.hanzi": "Digits are read as Chinese numerals before scoring"
                      " (2026年 = 二零二六年, 3.5 = 三点五).",
    "numerals.arabic": "Chinese numerals are written as digits before scoring (三点五 = 3.5).",
}


def scoring_section(metrics: Sequence[tuple[str, float]],
                    normalization: Mapping[str, str] | None,
                    not_measured: Sequence[tuple[str, float]] = ()) -> dict[str, Any]:
    """The datasheet's ``scoring`` part: ``metrics`` (name, threshold and, for transcript
    metrics, what it ``counts``) in the order the inspection judges them, ``normalization``
    (codes as :func:`datamill.qc.text_norm.normalization_codes` gives them; omitted for a
    modality that compares no text) and an English ``statement``. ``not_measured``: thresholds
    the spec sets on metrics the project cannot measure (a box-only image project's
    ``character_accuracy``), listed apart and stated as not measured, never as what accepted
    the data.

    >>> scoring_section([("region_accuracy", 0.9)], None, [("character_accuracy", 0.9)])[
    ...     "statement"]
    ['Accepted by region_accuracy >= 0.9.', 'Not measured: character_accuracy (this project has nothing to measure it by; its threshold 0.9 is no acceptance basis).']
    """
    out: dict[str, Any] = {"metrics": [
        {"name": name, "threshold": threshold, "counts": METRIC_COUNTS.get(name)}
        for name, threshold in metrics]}
    statement = []
    for m in out["metrics"]:
        why = f" ({_COUNTS_TEXT[m['counts']]})" if m["counts"] in _COUNTS_TEXT else ""
        statement.append(f"Accepted by {m['name']} >= {m['threshold']:g}{why}.")
    if not_measured:
        out["not_measured"] = [{"name": name, "threshold": threshold}
                               for name, threshold in not_measured]
        statement += [f"Not measured: {name} (this project has nothing to measure it by; its"
                      f" threshold {threshold:g} is no acceptance basis)."
                      for name, threshold in not_measured]
    if normalization is not None:
        out["normalization"] = {k: normalization[k] for k in NORMALIZATION_FIELDS
                                if k in normalization}
        statement.append("Before scoring, references and transcripts are normalised alike:")
        statement += [_RULE_TEXT.get(f"{k}.{v}", f"{k}: {v}.")
                      for k, v in out["normalization"].items()]
    out["statement"] = statement
    return out


_COUNTS_ZH: Final[dict[str, str]] = {
    "characters": "1 − 字错误率（CER），按字符计，词间空格也计入",
    "mixed_tokens": "1 − 混合错误率（MER）：每个汉字（中日文字符）计一个单位，每串连续的拉丁字母"
                    "或数字计一个词",
    "texts": "规范化后完全正确的文本所占比例",
    "words": "按词计，每个汉字计一个词",
}
_RULE_ZH: Final[dict[str, str]] = {
    "unicode.nfkc": "全角字符：Unicode NFKC，全角字母、数字和标点按半角计（ＡＢＣ１２ = ABC12）。",
    "case.casefold": "大小写：不区分（大小写折叠）。",
    "case.casefold_turkic": "大小写：不区分（按土耳其语规则折叠带点与不带点的 i）。",
    "punctuation.removed": "标点：不计，含中文全角标点（，。！？“”）；%、‰ 及数字前的负号计入。",
    "tags.removed": "标记：[noise]、<unk>、{breath} 等括号标记在评分前删除。",
    "spacing.cjk": "空格：连续空格按一个计；汉字（中日文字符）旁的空格不计。",
    "chinese_script.as_written": "繁体 / 简体：视为不同（後 ≠ 后）。",
    "chinese_script.simplified": "繁体 / 简体：评分前统一转为简体（後 = 后）。",
    "chinese_script.traditional": "繁体 / 简体：评分前统一转为繁体（后 = 後）。",
    "numerals.as_written": "数字：阿拉伯数字与汉字数字视为不同（3 ≠ 三）。",
    "numerals.hanzi": "数字：评分前阿拉伯数字读作汉字数字（2026年 = 二零二六年，3.5 = 三点五）。",
    "numerals.arabic": "数字：评分前汉字数字写作阿拉伯数字（三点五 = 3.5）。",
}


def scoring_statement(scoring: Mapping[str, Any], lang: str | None) -> list[str]:
    """The ``statement`` of a datasheet's ``scoring`` part (:func:`scoring_section`) in
    ``lang``: the stored English lines, or for zh-CN the same facts worded from its codes (a
    Chinese reader of ``delivery show`` got the English sentences)."""
    stored = [str(line) for line in scoring.get("statement") or ()]
    if lang != "zh-CN":
        return stored
    from datamill.core.code_words import METRIC_WORDS

    names = METRIC_WORDS.get("zh-CN", {})
    out = []
    for m in scoring.get("metrics") or ():
        if not isinstance(m, dict) or not isinstance(m.get("threshold"), int | float):
            continue
        name = str(m.get("name"))
        why = f"（{_COUNTS_ZH[m['counts']]}）" if m.get("counts") in _COUNTS_ZH else ""
        out.append(f"验收指标：{names.get(name, name)} ≥ {m['threshold']:g}{why}。")
    for m in scoring.get("not_measured") or ():
        if isinstance(m, dict):
            name = str(m.get("name"))
            out.append(f"未测量：{names.get(name, name)}（本项目没有可供测量该指标的内容，其阈值 "
                       f"{m.get('threshold')} 不作为验收依据）。")
    rules = scoring.get("normalization")
    if isinstance(rules, dict) and rules:
        out.append("评分前，参考文本与转写按相同规则规范化：")
        out += [_RULE_ZH.get(f"{k}.{rules[k]}", f"{k}：{rules[k]}。")
                for k in NORMALIZATION_FIELDS if k in rules]
    return out
