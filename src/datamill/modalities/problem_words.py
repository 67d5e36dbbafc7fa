"""The one catalogue of a modality's coded refusals, and their wording for people.

A modality that refuses an annotation raises :class:`~datamill.core.errors.InvalidInput` whose
``problems`` detail lists each problem as a record: a stable ``code``, the English ``message``
(one technical line naming the field path, as ``detail`` joins them), ``field`` where it has
one, ``object`` (the 0-based index in ``objects``) and ``number`` (the same, counted from 1)
where the problem is one object's, and the values a sentence names (``label``, ``name`` ...).
Every face words those records from this catalogue (``prob.<code>``, English and zh-CN) in its
reader's language: :func:`word_problems` adds each record's ``detail``, the sentence for people,
numbers counted from 1; a code the catalogue lacks keeps the English ``message``.

It is also the one registry of the other coded refusals: a service error whose details carry a
``reason_code`` (``paid_by_sheet``, ``clearance`` ...) is worded from :data:`REASON_WORDS`
(English and zh-CN, seeded by :mod:`datamill.modalities._reason_words`; a domain above the
modalities adds its codes with :func:`register_reason_words`). The API, the web pages and the
CLI all word a service error through :func:`word_error`.

Examples:
    >>> rec = {"code": "attribute_required", "message": "objects[2].attributes.color: required",
    ...        "field": "objects[2].attributes.color", "object": 2, "number": 3,
    ...        "label": "car", "name": "color"}
    >>> word_problem(rec, "zh-CN")
    '第 3 个对象（car）：必填属性“color”未填写'
    >>> word_problem(rec, "en")
    'object 3 (car): the required attribute “color” is not filled in'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from datamill.core.errors import InvalidInput
from datamill.core.languages import ranked_language_tags
from datamill.core.parser_words import PARSER_CODES, parser_values
from datamill.modalities._problem_words_zh import ZH_CN_PROBLEMS
from datamill.modalities._reason_words import (
    COLLECT_CODES,
    EN_ACTIONS,
    EN_REASONS,
    LEDGER_CODES,
    ZH_CN_ACTIONS,
    ZH_CN_REASONS,
)
from datamill.modalities._reason_words_approvals import (
    own_approval_values,
    sheet_status_values,
)
from datamill.modalities._reason_words_asr_h9 import ASR_SEGMENT_PROBLEMS_EN
from datamill.modalities._reason_words_catalog import object_noun, quote_status
from datamill.modalities._reason_words_eligibility import (
    ELIGIBILITY_REFUSALS,
    eligibility_details,
    eligibility_values,
)
from datamill.modalities._reason_words_image_h1 import IMAGE_H1_PROBLEMS_EN
from datamill.modalities._reason_words_image_h10 import IMAGE_H10_PROBLEMS_EN
from datamill.modalities._reason_words_labelled_h21 import labelled_listed
from datamill.modalities._reason_words_lang_h3 import ROLE_NAMED_REFUSALS, role_values
from datamill.modalities._reason_words_ledger_h13 import MONEY_REFUSALS, money_values
from datamill.modalities._reason_words_tts_tiers import TTS_TIER_PROBLEMS_EN

__all__ = [
    "ACTION_WORDS",
    "COLLECT_CODES",
    "EN_PROBLEMS",
    "LANGUAGES",
    "LEDGER_CODES",
    "MAX_PROBLEMS",
    "PAGE_LANG_COOKIE",
    "REASON_WORDS",
    "ZH_CN_PROBLEMS",
    "coded_refusal",
    "problem_language",
    "register_reason_words",
    "word_error",
    "word_problem",
    "word_problems",
    "word_reason",
    "word_refusal",
]

#: the most problems one refusal lists; the rest are counted (``problems_more``): 5,000 spans
#: repeated gave 9,998 problems, an answer of 3.2 MB
MAX_PROBLEMS = 100

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
    "prob.reasoning_not_assistant": "turn {number} ({role}): only assistant turns have "
                                    "reasoning",
    "prob.reasoning_required": "turn {number}: the assistant's reasoning is required",
    "prob.same_response": "a and b must be two different responses",
    "prob.response_twice": "response {responses} is named more than once",
    "prob.response_unknown": "the item has no response {responses} (its responses: {allowed})",
    "prob.response_omitted": "response {responses} is left out",
    "prob.scores_missing": "score the criteria {criteria}",
    "prob.scores_unknown": "{criteria}: not scored criteria of the rubric",
    "prob.checks_missing": "check the criteria {criteria}",
    "prob.checks_unknown": "{criteria}: not pass/fail criteria of the rubric",
    "prob.score_out_of_range": "the score of {name} ({value}) is outside {low}..{high}",
    # the image and point-cloud modalities (their schema's annotation_problems); {kind}: the
    # object kind, worded by prob.kind.<kind>
    "prob.attribute_required": "the required attribute “{name}” is not filled in",
    "prob.attribute_unknown": "the attribute “{name}” is not one of this label's",
    "prob.attribute_invalid": "the value of the attribute “{name}” is not allowed",
    "prob.label_unknown": "the label “{label}” is not in the label schema",
    "prob.kind_not_allowed": "this label may not be drawn as a {kind}",
    "prob.outside_image": "it lies outside the image",
    # a box past an edge says which (past both the right and the bottom edge: two sentences)
    "prob.outside_image.top_left": "its top-left corner lies outside the image",
    "prob.outside_image.right": "it goes past the image's right edge",
    "prob.outside_image.bottom": "it goes past the image's bottom edge",
    "prob.outside_cloud": "its centre {axis} = {value} m lies outside the cloud ({low} .. "
                          "{high} m)",
    "prob.polygon_zero_area": "the polygon has no area (its points are on one line)",
    "prob.polygon_self_intersecting": "the polygon crosses itself",
    "prob.transcription_required": "the transcription is empty",
    "prob.mask_size": "the mask's size is not the image's",
    "prob.mask_invalid": ("the mask's runs are invalid: each at least 1 (only the first may be"
                          " 0) and below 2^32, together covering the image exactly"),
    "prob.skeleton_mismatch": "the skeleton is not this label's",
    "prob.skeleton_unknown": "the skeleton is unknown",
    "prob.keypoint_count": "the number of keypoints does not match the skeleton",
    "prob.duplicate_id": "another object has the same id",
    "prob.class_unknown": "the class “{name}” is not in the label schema",
    "prob.point_labels_missing": "every point needs a class (0 leaves a point unlabelled)",
    "prob.point_class_unknown": "the point class {id} is not in the label schema",
    "prob.point_labels_count": "the point labels cover {given} points; the cloud has {points}",
    "prob.point_class_not_integer": "point label run {run}: the point class id must be a whole "
                                    "number such as 10, not {given} (true/false and numbers in "
                                    "quotes are refused)",
    "prob.point_count_not_integer": "point label run {run}: the number of points must be a whole "
                                    "number such as 250, not {given} (true/false and numbers in "
                                    "quotes are refused)",
    # a document that does not parse (modalities.parse_problems): {field} is the path inside
    # the object (or the document), {reason_en} pydantic's English line
    "prob.box_size_not_positive": "the box's {field} must be greater than 0",
    "prob.size_not_positive": "its {field} must be greater than 0",
    "prob.polygon_too_few_points": "a polygon needs at least {least} points, it has {count}",
    "prob.too_few_points": "a {kind} needs at least {least} points, it has {count}",
    "prob.field_missing": "the field “{field}” is missing",
    "prob.field_unknown": "“{field}” is not a field here",
    "prob.value_not_above": "“{field}” must be greater than {limit}",
    "prob.value_below_minimum": "“{field}” must be at least {limit}",
    "prob.value_not_below": "“{field}” must be less than {limit}",
    "prob.value_above_maximum": "“{field}” must be at most {limit}",
    "prob.too_few_items": "“{field}” needs at least {least} entries, it has {count}",
    "prob.too_many_items": "“{field}” takes at most {most} entries, it has {count}",
    "prob.text_too_short": "“{field}” needs at least {least} characters",
    "prob.text_too_long": "“{field}” takes at most {most} characters",
    "prob.kind_unknown": "“{given}” is not a kind of object (one of {allowed})",
    "prob.kind_missing": "the object has no kind",
    "prob.value_not_allowed": "the value of “{field}” is not allowed (one of {allowed})",
    "prob.wrong_type": "“{field}” has the wrong type of value",
    "prob.invalid_value": "“{field}” is not valid ({reason_en})",
    "prob.note_control": "“{field}” contains {char}, a control character: control characters "
                         "(other than tab and line breaks) are not allowed; remove it",
    "prob.note_direction": "“{field}” contains {char}, a text-direction character that would "
                           "make it display differently from how it reads; remove it",
    "prob.number_not_finite": "“{field}” must be a finite number",
    "prob.number_not_whole": "“{field}” must be a whole number, without a fractional part",
    "prob.not_an_integer": "“{field}” must be a whole number",
    "prob.not_a_number": "“{field}” must be a number",
    "prob.not_text": "“{field}” must be text",
    "prob.not_a_boolean": "“{field}” must be true or false",
    "prob.not_a_list": "“{field}” must be a list",
    "prob.not_an_object": "“{field}” must be an object (a JSON object of fields)",
    "prob.not_a_date": "“{field}” must be a date written YYYY-MM-DD (e.g. 2026-12-07)",
    "prob.kind.box": "box",
    "prob.kind.rotated_box": "rotated box",
    "prob.kind.polygon": "polygon",
    "prob.kind.polyline": "polyline",
    "prob.kind.keypoints": "keypoints",
    "prob.kind.mask": "mask",
    "prob.kind.text_line": "text line",
    # one object's problem, named as the workbench's object list names it: by its number from 1
    # (image) or by its id (point cloud)
    "prob.object": "object {number} ({label}): {reason}",
    "prob.object_id": "object {object_id} ({label}): {reason}",
    "prob.list_sep": "; ",
    # the API's generic answers (the framework's, and errors outside the coded refusals); in
    # a language other than English ``detail`` is worded from these and ``message_en`` keeps
    # the English (api.problem)
    "http.bad_request": "the request is malformed",
    "http.unauthorized": "sign in first: send a valid bearer token",
    "http.forbidden": "your role or project membership does not allow this",
    "http.not_found": "there is nothing at this address, or no such object",
    "http.method_not_allowed": "this address does not take this request method",
    "http.not_acceptable": "the answer cannot be given in the form asked for",
    "http.conflict": "the request conflicts with existing data",
    "http.payload_too_large": "the request body is larger than the {max_bytes} bytes this "
                              "server accepts",
    "http.unsupported_media_type": "this address does not take a body of this media type",
    "http.invalid_input": "the request is invalid (see errors)",
    "http.too_many_requests": "too many attempts: wait {retry_after} seconds and try again",
    "http.internal_error": "an unexpected error occurred; quote error id {error_id} when "
                           "reporting it",
    "http.http_error": "the request could not be answered",
    "prob.more": "and {more} more problems",
    # the API's 422 for a request body that is not JSON (modalities.parse_problems)
    "prob.json_invalid": "the body is not JSON: {reason}",
    "http.invalid_input_said": "the request is invalid: {problems}",
    # an llm SFT conversation's turns (modalities.llm.checks: role order and each turn's text)
    "prob.turn_empty": "turn {number} ({role}) is empty",
    "prob.turn_short": "turn {number} ({role}) has {chars} characters; the minimum is {least}",
    "prob.turn_long": "turn {number} ({role}) has {chars} characters; the maximum is {most}",
    "prob.turn_repeats": "turn {number} ({role}) repeats turn {other}",
    "prob.turn_language": "turn {number} ({role}) is in {language}; allowed: {allowed}",
    "prob.turn_language_unknown": "turn {number} ({role}): no language could be identified; "
                                  "allowed: {allowed}",
    "prob.turn_banned": "turn {number} ({role}) contains banned content: {words}",
    "prob.turn_order": "turn {number} is {role}, expected {expected} (roles alternate user, "
                       "assistant after an optional first system turn)",
    "prob.last_turn": "the last turn is {role}; it must be {expected}",
    "prob.system_only": "a conversation needs a user turn after the system turn",
    "prob.wrong_document": "this project's task is {task}: submit a {want} document, not {given}",
    "prob.role.system": "system",
    "prob.role.user": "user",
    "prob.role.assistant": "assistant",
    "prob.span_order": "span {number} [{start}, {end}): its end is not after its start",
    "prob.criterion_label_ambiguous": "“{label}” is the label of several criteria ({criteria}):"
                                      " key the answer by their names",
    "prob.criterion_given_twice": "the criterion {name} is given twice (by its name and by its"
                                  " label)",
    "http.request_timeout": "the request body came too slowly: each part must follow the last "
                            "within {timeout_s} seconds, and the whole average at least "
                            "{min_rate} bytes a second; send it again on a faster connection",
    "prob.one_payload": "give either segments (speech) or annotation (other modalities), one"
                        " of them",
    "prob.duplicate_track": "track {track_id} is already object {first}'s in this frame: one "
                            "track is one object",
    **TTS_TIER_PROBLEMS_EN,  # a TTS annotation's tier problems (modalities.tts.consistency)
    **ASR_SEGMENT_PROBLEMS_EN,  # a transcript's segment problems (modalities.speech.segments)
    **IMAGE_H10_PROBLEMS_EN,  # an image object smaller than the workbench draws
    **IMAGE_H1_PROBLEMS_EN,  # an empty mask, a polyline of one point: they draw nothing
}

#: the languages the catalogue words problems in
LANGUAGES: dict[str, dict[str, str]] = {"en": EN_PROBLEMS, "zh-CN": ZH_CN_PROBLEMS}

#: the coded refusals' sentences (a service error's ``reason_code``) per language, then code;
#: ``{name}`` is one of the error's details, ``{action}`` the refused action's phrase
REASON_WORDS: dict[str, dict[str, str]] = {"en": dict(EN_REASONS), "zh-CN": dict(ZH_CN_REASONS)}
#: the permission matrix's actions as a refusal names them (``{action}``), per language
ACTION_WORDS: dict[str, dict[str, str]] = {"en": EN_ACTIONS, "zh-CN": ZH_CN_ACTIONS}
#: per registered code, what adjusts an error's details before they are worded in a language
_REASON_VALUES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {}
_LIST_SEP = {"en": ", ", "zh-CN": "、"}
#: a list of codes a service joined with ", " into one value (``collection, labelling``)
_CODE_LIST = re.compile(r"[\w.+-]+(?:, [\w.+-]+)+")


#: the object a problem's ``field`` path starts with (``objects[2].``), which its sentence
#: names by number and label instead
_OBJECT_PREFIX = re.compile(r"^objects\[\d+\]\.")


def _batch_status(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """A batch's status named in ``lang`` (``rejected`` → 已驳回) for ``batch_not_open``."""
    from datamill.core.code_words import ITEM_STATUS_WORDS  # noqa: PLC0415 - only when worded

    words = ITEM_STATUS_WORDS.get(lang, {})
    status = values.get("status")
    return {**values, "status": words.get(status, status)} if isinstance(status, str) else values


def _said_in_chinese(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """In zh-CN, a value the refusal also gives in Chinese (``instead_zh``) stands for its
    English form (``instead``), e.g. the places to write instead of 中东."""
    if lang != "zh-CN":
        return values
    return {**values, **{name.removesuffix("_zh"): value for name, value in values.items()
                         if name.endswith("_zh") and name.removesuffix("_zh") in values}}


_REASON_VALUES["batch_not_open"] = _batch_status
_REASON_VALUES["territory_region_undefined"] = _said_in_chinese
_REASON_VALUES["retention_deleted_file"] = _said_in_chinese
_REASON_VALUES["object_not_found"] = object_noun  # the object kind in the language
_REASON_VALUES["quote_request_state"] = quote_status  # a quote request's status, worded
_REASON_VALUES.update(dict.fromkeys(ELIGIBILITY_REFUSALS, eligibility_values))
_REASON_VALUES["own_approval"] = own_approval_values
_REASON_VALUES["sheet_exists_not_draft"] = sheet_status_values
_REASON_VALUES.update(dict.fromkeys(ROLE_NAMED_REFUSALS, role_values))  # roles as words
_REASON_VALUES.update(dict.fromkeys(MONEY_REFUSALS, money_values))  # amounts as pages show
_REASON_VALUES["labelled_nothing_imported"] = labelled_listed  # each problem worded
_REASON_VALUES["delivery_formats_empty"] = _said_in_chinese  # why each format is empty
_REASON_VALUES.update(dict.fromkeys(PARSER_CODES, parser_values))  # the parser's own message

PAGE_LANG_COOKIE = "lang"
"""The cookie holding the language a person chose on the web pages (their own JSON endpoints
answer in it too)."""


def problem_language(accept_language: str | None) -> str:
    """The catalogue language for an ``Accept-Language`` header: the best-ranked tag that is
    English or Chinese (any ``zh`` tag reads zh-CN), else English."""
    for tag in ranked_language_tags(accept_language):
        low = tag.lower()
        if low == "zh" or low.startswith("zh-"):
            return "zh-CN"
        if low == "en" or low.startswith("en-"):
            return "en"
    return "en"


def _values(problem: Mapping[str, Any], table: Mapping[str, str]) -> dict[str, Any]:
    values = dict(problem)
    field = values.get("field")
    if isinstance(field, str) and ("object" in values or "object_id" in values):
        # a sentence names the object first ("object 3 (car): ..."), then the field inside it
        values["field"] = _OBJECT_PREFIX.sub("", field, count=1) or field
    kind = values.get("kind")
    if isinstance(kind, str):
        values["kind"] = table.get(f"prob.kind.{kind}", kind)
    for key in ("role", "expected"):  # an llm turn's role, worded by prob.role.<role>
        role = values.get(key)
        if isinstance(role, str):
            values[key] = table.get(f"prob.role.{role}", role)
    tier = values.get("tier")  # a TTS annotation's tier, worded by prob.tier.<name>
    if isinstance(tier, str):
        values["tier"] = table.get(f"prob.tier.{tier}", tier)
    return values


def word_problem(problem: Mapping[str, Any], lang: str) -> str:
    """One problem's sentence in ``lang`` (an object's problem names the object as the
    workbench's list does); its English ``message`` when the catalogue lacks the code or the
    values do not fit."""
    table = LANGUAGES.get(lang, EN_PROBLEMS)
    english = str(problem.get("message", ""))
    template = table.get(f"prob.{problem.get('code')}.{problem.get('edge')}") or table.get(
        f"prob.{problem.get('code')}")
    if template is None:
        return english
    values = _values(problem, table)
    try:
        reason = template.format(**values)
        if "object_id" in problem:
            return table["prob.object_id"].format(**{**values, "reason": reason})
        if "number" in problem and "object" in problem:
            return table["prob.object"].format(**{**values, "reason": reason})
    except (KeyError, IndexError, ValueError):
        return english
    return reason


def word_problems(
    problems: object, lang: str, more: int = 0
) -> tuple[list[dict[str, Any]], str] | None:
    """The first ``MAX_PROBLEMS`` of ``problems`` with each one's ``detail`` (its sentence in
    ``lang``) added, and those sentences joined as one, which ends by counting the problems
    left out (``more`` of them were left out before); None when ``problems`` is not a
    non-empty list of records."""
    if not isinstance(problems, list) or not problems:
        return None
    if not all(isinstance(p, Mapping) for p in problems):
        return None
    more += max(0, len(problems) - MAX_PROBLEMS)
    worded = [{**p, "detail": word_problem(p, lang)} for p in problems[:MAX_PROBLEMS]]
    table = LANGUAGES.get(lang, EN_PROBLEMS)
    # two records that read the same (two fields, one sentence) are said once
    said = list(dict.fromkeys(p["detail"] for p in worded))
    if more:
        said.append(table["prob.more"].format(more=more))
    return worded, table["prob.list_sep"].join(said)


def word_refusal(
    details: Mapping[str, Any], lang: str
) -> tuple[dict[str, Any], str] | None:
    """A coded refusal's ``details`` for a face: its ``problems`` worded in ``lang`` and cut to
    ``MAX_PROBLEMS`` (``problems_more`` counts the rest), with the sentence that says them;
    None when the details list no coded problems.

    Examples:
        >>> rec = {"code": "field_missing", "message": "x: required", "field": "x"}
        >>> out, said = word_refusal({"problems": [rec] * 150}, "en")
        >>> len(out["problems"]), out["problems_more"], said.endswith("and 50 more problems")
        (100, 50, True)
    """
    problems = details.get("problems")
    before = int(details.get("problems_more") or 0)
    worded = word_problems(problems, lang, before)
    if worded is None:
        return None
    listed, said = worded
    more = before + len(problems) - len(listed) if isinstance(problems, list) else before
    out = {**details, "problems": listed}
    if more:
        out["problems_more"] = more
    return out, said


def coded_refusal(problems: list[dict[str, Any]], prefix: str = "") -> InvalidInput:
    """A modality's refusal (422) listing the first ``MAX_PROBLEMS`` of its coded ``problems``
    (``problems_more`` counts the rest); the message joins their English lines after
    ``prefix``."""
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    message = prefix + "; ".join(p["message"] for p in shown)
    if more:
        return InvalidInput(f"{message}; and {more} more problems", problems=shown,
                            problems_more=more)
    return InvalidInput(message, problems=shown)


def register_reason_words(
    words: Mapping[str, Mapping[str, str]],
    values: Callable[[dict[str, Any], str], dict[str, Any]] | None = None,
) -> None:
    """Add coded refusals' sentences (``words``: per language, per ``reason_code``) to
    :data:`REASON_WORDS`, each code in every language the registry has; ``values`` adjusts an
    error's details before they are worded in a language (a status named in Chinese).
    Registering the same words again is a no-op; other words for a known code raise
    ValueError, as a code without a language does."""
    codes = {code for table in words.values() for code in table}
    for lang in REASON_WORDS:
        missing = codes - set(words.get(lang, {}))
        if missing:
            raise ValueError(f"reason codes {sorted(missing)} have no {lang} words")
    unknown = set(words) - set(REASON_WORDS)
    if unknown:
        raise ValueError(f"unknown languages {sorted(unknown)} (known: {sorted(REASON_WORDS)})")
    for lang, table in words.items():
        for code, text in table.items():
            known = REASON_WORDS[lang].get(code)
            if known is not None and known != text:
                raise ValueError(f"reason code {code!r} is worded already in {lang}")
    for lang, table in words.items():
        REASON_WORDS[lang].update(table)
    if values is not None:
        _REASON_VALUES.update(dict.fromkeys(codes, values))


def word_reason(details: Mapping[str, Any], lang: str) -> str | None:
    """The sentence of the coded refusal whose details are ``details`` (its ``reason_code``
    and values) in ``lang`` (lists joined in the language, ``{action}`` the refused action's
    phrase); None for a code the registry lacks or details that do not fit.

    Examples:
        >>> word_reason({"reason_code": "role", "action": "deliver"}, "zh-CN")
        '您的角色不能交付。'
        >>> word_reason({"reason_code": "no_such_code"}, "en") is None
        True
    """
    code = details.get("reason_code")
    table = REASON_WORDS.get(lang)
    template = table.get(code) if table is not None and isinstance(code, str) else None
    if template is None:
        return None
    sep = _LIST_SEP.get(lang, ", ")
    values = {k: sep.join(map(str, v)) if isinstance(v, list | tuple) and not any(
                  isinstance(x, Mapping) for x in v) else v  # records stay for ``adjust``
              for k, v in details.items()}
    actions = ACTION_WORDS.get(lang, EN_ACTIONS)
    action = details.get("action")
    values["action"] = actions.get(action, actions["this"]) if isinstance(action, str) \
        else actions["this"]
    adjust = _REASON_VALUES.get(str(code))
    if adjust is not None:
        values = adjust(values, lang)
    listed = values.get("value")
    if isinstance(listed, str) and sep != ", " and _CODE_LIST.fullmatch(listed):
        values["value"] = listed.replace(", ", sep)  # codes a service listed: "a, b" → a、b
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def word_error(
    message: str, details: Mapping[str, Any], lang: str
) -> tuple[str, dict[str, Any]]:
    """A service error (its English ``message`` and its ``details``) as a face shows it to a
    reader of ``lang``: the sentence and the details to show. A modality's refusal has its
    ``problems`` worded (:func:`word_refusal`); an error with a ``reason_code`` the registry
    words (:data:`REASON_WORDS`) reads in ``lang``. English keeps the service's own sentence
    (it names the records concerned); another language gets the worded sentence, with
    ``message_en`` keeping the English. Other errors, and details worded already
    (``message_en`` set), pass unchanged.

    Examples:
        >>> word_error("role 'annotator' may not deliver",
        ...            {"reason_code": "role", "action": "deliver"}, "zh-CN")[0]
        '您的角色不能交付。'
    """
    if "message_en" in details:
        return message, dict(details)
    worded = word_refusal(details, lang)
    if worded is not None:
        listed, said = worded
        return (message, listed) if lang == "en" else (said, {**listed, "message_en": message})
    sentence = None if lang == "en" else word_reason(details, lang)
    if sentence is None:
        return message, dict(details)
    if details.get("reason_code") in ELIGIBILITY_REFUSALS:
        details = eligibility_details(details, lang)
    return sentence, {**details, "message_en": message}
