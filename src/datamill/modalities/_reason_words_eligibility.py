"""Why a worker may not take a project's work, each reason coded and worded (en, zh-CN).

:func:`datamill.workforce.assignment.eligibility_problems` says each reason in English; the
refusals that list them (``worker_not_eligible_package``, ``worker_not_eligible_project``,
``qualification``) also carry them coded (``eligibility``: one record per reason, its
``code`` and values), which :func:`word_eligibility` words in the reader's language: under
zh-CN the list read English (round 4, h8). Data and pure functions only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ELIGIBILITY_CODES",
    "ELIGIBILITY_EN",
    "ELIGIBILITY_REFUSALS",
    "ELIGIBILITY_ZH_CN",
    "eligibility_details",
    "eligibility_values",
    "word_eligibility",
]

ELIGIBILITY_EN: dict[str, str] = {
    "worker_inactive": "the worker is inactive",
    "vendor_not_qualified": "vendor {vendor_id} is not on the qualified-supplier list",
    "language_missing": "works in {languages}; the project needs {language} (add it: datamill "
                        "workforce worker-set {worker_id} --language {language} ..., or PATCH "
                        "/api/v1/workers/{worker_id} with \"languages\")",
    "modality_missing": "lists modalities {modalities}; the project is {modality}",
    "test_not_passed": "has not passed the qualification test of project {project_id} "
                       "(best score {score})",
    "test_not_taken": "has not passed the qualification test of project {project_id} "
                      "(no attempt yet)",
}
ELIGIBILITY_ZH_CN: dict[str, str] = {
    "worker_inactive": "该作业人员已停用",
    "vendor_not_qualified": "供应商 {vendor_id} 不在合格供应商名录中",
    "language_missing": "作业语种为 {languages}，项目需要 {language}（补充语种：datamill "
                        "workforce worker-set {worker_id} --language {language} …，或 PATCH "
                        "/api/v1/workers/{worker_id} 的 \"languages\"）",
    "modality_missing": "擅长的模态为 {modalities}，项目为 {modality}",
    "test_not_passed": "尚未通过项目 {project_id} 的培训考核（最高得分 {score}）",
    "test_not_taken": "尚未通过项目 {project_id} 的培训考核（尚未参加）",
}
ELIGIBILITY_CODES = tuple(ELIGIBILITY_EN)
#: the refusals whose ``eligibility`` details are worded by this module
ELIGIBILITY_REFUSALS = ("qualification", "worker_not_eligible_package",
                        "worker_not_eligible_project")
_WORDS = {"en": ELIGIBILITY_EN, "zh-CN": ELIGIBILITY_ZH_CN}
_NONE = {"en": "no listed languages", "zh-CN": "未登记"}
_SEP = {"en": ", ", "zh-CN": "、"}
_LIST_SEP = {"en": "; ", "zh-CN": "；"}


def word_eligibility(reason: Mapping[str, Any], lang: str = "en") -> str:
    """One coded reason in ``lang`` (English for a language without words).

    Examples:
        >>> word_eligibility({"code": "modality_missing", "modalities": ["image"],
        ...                   "modality": "speech.asr"}, "zh-CN")
        '擅长的模态为 image，项目为 speech.asr'
    """
    words = _WORDS.get(lang, ELIGIBILITY_EN)
    values: dict[str, Any] = {}
    for key, value in reason.items():
        if isinstance(value, list | tuple):
            joined = _SEP.get(lang, ", ").join(map(str, value))
            value = joined or _NONE.get(lang, _NONE["en"])
        values[key] = value
    template = words.get(str(reason.get("code")), ELIGIBILITY_EN.get(str(reason.get("code"))))
    if template is None:
        return str(reason.get("text") or reason.get("code"))
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(reason.get("text") or reason.get("code"))


def _coded(values: Mapping[str, Any]) -> Sequence[Mapping[str, Any]] | None:
    coded = values.get("eligibility")
    if isinstance(coded, list | tuple) and all(isinstance(r, Mapping) for r in coded):
        return coded
    return None


#: what the ``qualification`` refusal names when its reasons are not coded (a person who is
#: no registered worker: the project's requirements in general)
_REQUIREMENTS = {"en": "a qualified vendor, the skills, a passed qualification test",
                 "zh-CN": "合格的供应商、所需技能、通过资格测试"}


def eligibility_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """A refusal's values before its sentence is worded: ``{reasons}`` (and
    ``{requirements}``) the coded reasons in ``lang``, joined; where none are coded,
    ``{reasons}`` the English list as it was and ``{requirements}`` the requirements in
    general."""
    coded = _coded(values)
    if coded is None:
        return {"requirements": _REQUIREMENTS.get(lang, _REQUIREMENTS["en"]), **values}
    said = _LIST_SEP.get(lang, "; ").join(word_eligibility(r, lang) for r in coded)
    return {**values, "reasons": said, "requirements": said}


def eligibility_details(details: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A refusal's details as shown to a reader of ``lang``: ``reasons`` each worded in it
    (``reasons_en`` keeping the English list)."""
    coded = _coded(details)
    if coded is None or lang == "en":
        return dict(details)
    return {**details, "reasons": [word_eligibility(r, lang) for r in coded],
            "reasons_en": list(details.get("reasons") or [])}
