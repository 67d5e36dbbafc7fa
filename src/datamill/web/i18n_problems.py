"""English sentences for the problems a modality names when it refuses an annotation (``prob.<code>``,
filled from the problem's values by ``web.problem_text``), merged into ``i18n.EN``. English pages
show the modality's own message; these keep the catalogue complete. Add a code here and in
``i18n_zh_problems.py`` when a modality starts using it."""

from __future__ import annotations

__all__ = ["EN_PROBLEMS"]

_SPLITS = ("its {side} offset {offset} splits the character '{character}' (a letter with its "
           "accent, a flag, an emoji sequence, a Hangul syllable, an Indic conjunct or a CR LF "
           "line break); move the boundary before or after it")

EN_PROBLEMS: dict[str, str] = {
    # the text modality (modalities.text.schema.annotation_problems)
    "prob.unknown_label": "span {number}: unknown label {label} (the schema has {allowed})",
    "prob.span_outside": "span {number} [{start}, {end}) lies outside the text ({length} "
                         "characters)",
    "prob.splits_surrogate": "span {number} [{start}, {end}) splits a surrogate pair",
    "prob.start_splits_character": "span {number} [{start}, {end}): "
                                   + _SPLITS.replace("{side}", "start"),
    "prob.end_splits_character": "span {number} [{start}, {end}): "
                                 + _SPLITS.replace("{side}", "end"),
    "prob.span_text_mismatch": "span {number}: '{given}' is not the text at [{start}, {end}) "
                               "('{actual}'); offsets are code points, not UTF-16 units or bytes",
    "prob.span_id_twice": "span {number}: the id {id} is used twice",
    "prob.span_repeated": "span {number} repeats span {other} ([{start}, {end}) {label}); "
                          "remove one",
    "prob.spans_overlap": "spans {number} and {other} overlap; this project does not allow "
                          "nested spans",
    "prob.unknown_relation_label": "relation {number}: unknown label {label}",
    "prob.relation_without_span": "relation {number}: no span with id {id}",
    "prob.token_outside": "word {number} [{start}, {end}) is empty or outside the text",
    "prob.token_order": "word {number} starts before the previous word ends",
    "prob.token_gap": "word {number}: the text before it ('{gap}') is in no word",
    "prob.unknown_pos": "word {number}: unknown tag {tag}",
    "prob.token_tail": "the text after the last word is in no word",
    "prob.not_a_task": "{field}: not a task of this project ({tasks})",
    "prob.classes_required": "choose a class",
    "prob.sentiment_required": "choose a sentiment",
    "prob.one_class": "single-label classification takes one class, got {count}",
    "prob.class_twice": "a class is chosen twice",
    "prob.unknown_class": "unknown class {value}",
    "prob.unknown_sentiment": "unknown sentiment {value} (one of {allowed})",
    "prob.unknown_attribute": "{name} is not an attribute of this project",
    # the llm modality (modalities.llm.schema.validate_llm_annotation)
    "prob.reason_too_short": "a reason of at least {least} letters or digits is required "
                             "(spaces and punctuation do not count)",
    "prob.comment_too_short": "a comment of at least {least} letters or digits is required "
                              "(spaces and punctuation do not count)",
}
