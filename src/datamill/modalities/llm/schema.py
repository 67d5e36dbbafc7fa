"""The LLM annotation documents, the task part of the spec, and their validators.

The spec's ``requirements.task`` chooses what annotators produce (one document type a project):

* ``sft`` → :class:`SftAnnotation` (``llm_sft``): the written or corrected conversation, each
  assistant turn with an optional ``reasoning`` (chain of thought); per-turn checks on submit.
* ``pairwise`` → :class:`PairwiseAnnotation` (``llm_pairwise``): response ``a`` or ``b`` is better,
  or ``tie``, with a required ``reason``.
* ``ranking`` → :class:`RankingAnnotation` (``llm_ranking``): every response id exactly once,
  best first, with a required ``reason``.
* ``rubric`` → :class:`RubricAnnotation` (``llm_rubric``): a Likert score per ``likert`` criterion
  (range from the spec), pass/fail per ``pass_fail`` criterion, and a ``comment``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from datamill.core.errors import InvalidInput
from datamill.modalities.llm.checks import (
    LlmRecordRequirements,
    TextUnit,
    role_order_record,
    unit_problem_records,
)
from datamill.modalities.llm.records import RecordId, Turn
from datamill.modalities.parse_problems import parse_refusal
from datamill.modalities.problem_words import coded_refusal

__all__ = [
    "Criterion",
    "LlmAnnotation",
    "LlmRequirements",
    "PairwiseAnnotation",
    "RankingAnnotation",
    "RubricAnnotation",
    "RubricSpec",
    "SftAnnotation",
    "annotation_text",
    "answer_example",
    "meaningful_chars",
    "parse_annotation",
    "validate_llm_annotation",
]

TaskType = Literal["sft", "pairwise", "ranking", "rubric"]
_DOC_OF_TASK = {"sft": "llm_sft", "pairwise": "llm_pairwise", "ranking": "llm_ranking",
                "rubric": "llm_rubric"}
ResponseId = RecordId


_CRITERION_NAME: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Criterion(BaseModel):
    """A rubric criterion: a Likert score or a pass/fail judgement.

    ``name`` is the machine name (lowercase ASCII): the key of the annotation's ``scores`` /
    ``checks`` and the delivery's column, stable whatever the language of the project.
    ``label`` is what people read (any language, ``有用性``): the workbench, the review and
    inspection pages and the datasheet show it, and the Parquet delivery keeps it as the
    column's metadata. A spec naming a criterion ``有用性`` is refused with that advice.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: Literal["likert", "pass_fail"]
    label: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)

    @field_validator("name")
    @classmethod
    def _machine_name(cls, value: str) -> str:
        if not _CRITERION_NAME.match(value):
            raise ValueError(
                f"criterion name {value!r} is a machine name (a lowercase ASCII letter, then"
                " up to 63 letters, digits or _; the key of scores/checks and the delivery's"
                " column): give a name in any language as its label, e.g. {name: helpfulness,"
                " label: 有用性}")
        return value

    @property
    def shown(self) -> str:
        """What people read: the label, else the name."""
        return self.label.strip() or self.name


class RubricSpec(BaseModel):
    """The rubric: criteria and the Likert range (both from the spec)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=50)
    likert_min: int = Field(ge=0, le=10)
    likert_max: int = Field(ge=1, le=10)

    @model_validator(mode="after")
    def _consistent(self) -> RubricSpec:
        if self.likert_min >= self.likert_max:
            raise ValueError("likert_min must be below likert_max")
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError("criterion names must be unique")
        return self

    def names(self, kind: str) -> list[str]:
        return [c.name for c in self.criteria if c.kind == kind]


class LlmRequirements(BaseModel):
    """The ``requirements`` of an ``llm`` project (every threshold required).

    ``min_reason_chars`` is the shortest reason (preference) or comment (rubric) accepted, in
    letters and digits (:func:`meaningful_chars`: a Chinese character counts one; spaces,
    punctuation, emoji and invisible characters such as U+200B count none);
    ``require_reasoning`` makes the chain-of-thought field of every SFT assistant turn required.
    An SFT project has no reasons nor comments: it may leave ``min_reason_chars`` out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: TaskType
    record: LlmRecordRequirements
    min_reason_chars: int = Field(ge=0, le=2000)
    require_reasoning: bool = False
    rubric: RubricSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_reasons_in_sft(cls, data: Any) -> Any:
        """SFT has no reasons: ``min_reason_chars`` is asked only of the tasks that have some."""
        if isinstance(data, Mapping) and data.get("task") == "sft" and "min_reason_chars" not in data:
            return {**data, "min_reason_chars": 0}
        return data

    @model_validator(mode="after")
    def _rubric_when_needed(self) -> LlmRequirements:
        if self.task == "rubric" and self.rubric is None:
            raise ValueError("task rubric needs a 'rubric' (criteria, likert_min, likert_max)")
        if self.task == "pairwise" and self.record.max_responses != 2:  # noqa: PLR2004
            raise ValueError("task pairwise compares two responses: record.max_responses must be 2")
        return self


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1


class SftAnnotation(_Doc):
    type: Literal["llm_sft"] = "llm_sft"
    # ``messages`` is what an imported record and TRL's conversational datasets call them: a
    # client sending the record's own shape back was refused (trial h2); stored as ``turns``
    turns: tuple[Turn, ...] = Field(min_length=1, max_length=500,
                                    validation_alias=AliasChoices("turns", "messages"))


class PairwiseAnnotation(_Doc):
    type: Literal["llm_pairwise"] = "llm_pairwise"
    a: ResponseId
    b: ResponseId
    choice: Literal["a", "b", "tie"]
    reason: str = Field(max_length=5000)


class RankingAnnotation(_Doc):
    type: Literal["llm_ranking"] = "llm_ranking"
    ranking: tuple[ResponseId, ...] = Field(min_length=2, max_length=32)
    reason: str = Field(max_length=5000)


class RubricAnnotation(_Doc):
    type: Literal["llm_rubric"] = "llm_rubric"
    scores: dict[str, int] = Field(default_factory=dict, max_length=50)
    checks: dict[str, bool] = Field(default_factory=dict, max_length=50)
    comment: str = Field(max_length=5000)


LlmAnnotation = Annotated[
    SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation,
    Field(discriminator="type"),
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(LlmAnnotation)


def parse_annotation(payload: Any) -> SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation:
    """The payload as an annotation document, or InvalidInput."""
    if isinstance(payload, SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation):
        return payload
    if not isinstance(payload, dict) or payload.get("type") not in _DOC_OF_TASK.values():
        raise InvalidInput("not an LLM annotation: a JSON object whose type is one of "
                           + ", ".join(sorted(_DOC_OF_TASK.values())))
    try:
        doc: Any = _ADAPTER.validate_python(payload)
    except ValidationError as err:
        raise parse_refusal(err, "an LLM annotation", payload) from err
    return doc  # type: ignore[no-any-return]


def annotation_text(doc: Any) -> str:
    """A one-paragraph rendering of a document (search, the review page, diffs)."""
    if isinstance(doc, SftAnnotation):
        return "\n".join(f"{t.role}: {t.content}" for t in doc.turns)
    if isinstance(doc, PairwiseAnnotation):
        head = (f"tie: {doc.a} = {doc.b}" if doc.choice == "tie" else
                f"preferred {doc.a if doc.choice == 'a' else doc.b} over"
                f" {doc.b if doc.choice == 'a' else doc.a}")
        return f"{head} — {doc.reason}"
    if isinstance(doc, RankingAnnotation):
        return f"{' > '.join(doc.ranking)} — {doc.reason}"
    parts = [f"{k} {v}" for k, v in sorted(doc.scores.items())]
    parts += [f"{k} {'pass' if v else 'fail'}" for k, v in sorted(doc.checks.items())]
    return f"{', '.join(parts)} — {doc.comment}"


def _problem(code: str, message: str, **values: Any) -> dict[str, Any]:
    """One coded problem (see :mod:`datamill.modalities.problem_words`): a face words it in its
    reader's language from ``code`` and the values."""
    return {"code": code, "message": message, **values}


def _sft_problems(doc: SftAnnotation, req: LlmRequirements) -> list[dict[str, Any]]:
    problems = []
    order = role_order_record([t.role for t in doc.turns], ends_with="assistant")
    if order:
        problems.append({**order, "field": f"turns[{order['number'] - 1}]"})
    for i, t in enumerate(doc.turns):
        if t.reasoning is not None and t.role != "assistant":
            problems.append(_problem(
                "reasoning_not_assistant", f"turn {i + 1} ({t.role}): only assistant turns have"
                " reasoning", field=f"turns[{i}].reasoning", number=i + 1, role=t.role))
        if req.require_reasoning and t.role == "assistant" and not (t.reasoning or "").strip():
            problems.append(_problem(
                "reasoning_required", f"turn {i + 1} (assistant): reasoning is required",
                field=f"turns[{i}].reasoning", number=i + 1))
    units = [TextUnit(label=f"turn {i + 1} ({t.role})", role=t.role, text=t.content)
             for i, t in enumerate(doc.turns)]
    for p in unit_problem_records(units, req.record):  # each turn's, worded by its code
        at = p.pop("unit")
        if "other" in p:
            p["other"] += 1
        problems.append({**p, "code": f"turn{p['code'].removeprefix('unit')}",
                         "field": f"turns[{at}]", "number": at + 1, "role": doc.turns[at].role})
    return problems


def _ids_problems(named: tuple[str, ...], ids: list[str], what: str,
                  field: str) -> list[dict[str, Any]]:
    problems = []
    twice = sorted({i for i in named if named.count(i) > 1})
    if twice:
        problems.append(_problem("response_twice", f"{what} names {', '.join(twice)} more than"
                                 " once", field=field, responses=", ".join(twice)))
    unknown = [i for i in dict.fromkeys(named) if i not in ids]
    if unknown:
        problems.append(_problem(
            "response_unknown", f"{what} names unknown response(s) {', '.join(unknown)}"
            f" (the item's are {', '.join(ids)})", field=field, responses=", ".join(unknown),
            allowed=", ".join(ids)))
    omitted = [i for i in ids if i not in named]
    if omitted:
        problems.append(_problem("response_omitted", f"{what} omits response(s)"
                                 f" {', '.join(omitted)}", field=field,
                                 responses=", ".join(omitted)))
    return problems


def _rubric_problems(doc: RubricAnnotation, rubric: RubricSpec) -> list[dict[str, Any]]:
    problems = []
    # a missing criterion named with its label too (helpfulness «有用性»), as people know it
    shown = {c.name: f"{c.name} «{c.label}»" if c.label.strip() else c.name
             for c in rubric.criteria}
    for kind, given in (("likert", doc.scores), ("pass_fail", doc.checks)):
        want = rubric.names(kind)
        field = "scores" if kind == "likert" else "checks"
        missing = [shown[n] for n in want if n not in given]
        extra = [n for n in given if n not in want]
        if missing:
            problems.append(_problem(f"{field}_missing", f"{field}: missing criteria"
                                     f" {', '.join(missing)}", field=field,
                                     criteria=", ".join(missing)))
        if extra:
            problems.append(_problem(f"{field}_unknown", f"{field}: not {kind} criteria of the"
                                     f" rubric: {', '.join(extra)}", field=field,
                                     criteria=", ".join(extra)))
    for name, value in doc.scores.items():
        if not rubric.likert_min <= value <= rubric.likert_max:
            problems.append(_problem(
                "score_out_of_range", f"scores.{name}: {value} is outside"
                f" {rubric.likert_min}..{rubric.likert_max}", field=f"scores.{name}",
                name=name, value=value, low=rubric.likert_min, high=rubric.likert_max))
    return problems


def _keyed_by_name(doc: RubricAnnotation,
                   rubric: RubricSpec) -> tuple[RubricAnnotation, list[dict[str, Any]]]:
    """The answer with each criterion keyed by its machine name: a key that is a criterion's
    label (``有用性``, as the workbench shows it) stands for that criterion. A key that is a
    name stays what it is; a label that several criteria of the kind share, or a criterion
    given both by name and by label, is refused (which one was meant cannot be told)."""
    problems: list[dict[str, Any]] = []
    keyed: dict[str, dict[str, Any]] = {}
    for kind, given in (("likert", doc.scores), ("pass_fail", doc.checks)):
        field = "scores" if kind == "likert" else "checks"
        names = set(rubric.names(kind))
        by_label: dict[str, list[str]] = {}
        for c in rubric.criteria:
            if c.kind == kind and c.label.strip():
                by_label.setdefault(c.label.strip(), []).append(c.name)
        out: dict[str, Any] = {}
        for key, value in given.items():
            meant = by_label.get(key.strip(), []) if key not in names else [key]
            if len(meant) > 1:
                problems.append(_problem(
                    "criterion_label_ambiguous", f"{field}: {key!r} is the label of criteria"
                    f" {', '.join(meant)}: key the answer by their names", field=field,
                    label=key, criteria=", ".join(meant)))
                continue
            name = meant[0] if meant else key
            if name in out:
                problems.append(_problem(
                    "criterion_given_twice", f"{field}: criterion {name} is given twice (by its"
                    " name and by its label)", field=field, name=name))
                continue
            out[name] = value
        keyed[field] = out
    if keyed["scores"] == doc.scores and keyed["checks"] == doc.checks:
        return doc, problems
    return doc.model_copy(update=keyed), problems


_LETTERS: Final = "letters or digits is required (spaces and punctuation do not count)"


def meaningful_chars(text: str) -> int:
    """The letters and digits in ``text`` (Unicode categories ``L*`` and ``N*``), what a
    reason's length is measured in: ``"好的答案"`` is 4, ``"\u200b" * 5`` (zero-width
    spaces), ``"。。。"`` and ``"\u3000"`` are 0.

    Examples:
        >>> meaningful_chars("B is right, 2 > 1.")
        10
        >>> meaningful_chars("答案正确。")
        4
    """
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


_EXAMPLE_OF_TASK = {
    "sft": '{"type": "llm_sft", "turns": [{"role": "user", "content": "..."}, {"role": "assistant",'
           ' "content": "..."}]}',
    "pairwise": '{"type": "llm_pairwise", "a": "a", "b": "b", "choice": "a", "reason": "..."}'
                ' (choice a, b or tie; a and b are response ids)',
    "ranking": '{"type": "llm_ranking", "ranking": ["b", "a", "c"], "reason": "..."} (response'
               ' ids, best first)',
    "rubric": '{"type": "llm_rubric", "scores": {"CRITERION": 4}, "checks": {"CRITERION": true},'
              ' "comment": "..."}',
}


def answer_example(req: LlmRequirements) -> str:
    """The annotation JSON a project's task asks for, as an example to fill in (``work next``
    shows it); a rubric's names every criterion of the spec.

    Examples:
        >>> rubric = RubricSpec(likert_min=1, likert_max=5, criteria=(
        ...     Criterion(name="helpfulness", kind="likert", label="有用性"),
        ...     Criterion(name="safe", kind="pass_fail")))
        >>> answer_example(LlmRequirements.model_validate({"task": "rubric", "rubric": rubric,
        ...     "record": {"max_record_bytes": 1000, "min_turn_chars": 1, "max_turn_chars": 100,
        ...     "min_responses": 1, "max_responses": 1, "languages": ["zh"],
        ...     "min_language_chars": 1, "banned_words": []}, "min_reason_chars": 2}))
        '{"type": "llm_rubric", "scores": {"helpfulness": 1}, "checks": {"safe": true}, "comment": "..."}'
    """
    if req.task == "rubric" and req.rubric is not None:
        return json.dumps({
            "type": "llm_rubric",
            "scores": {c.name: req.rubric.likert_min for c in req.rubric.criteria if c.kind == "likert"},
            "checks": {c.name: True for c in req.rubric.criteria if c.kind == "pass_fail"},
            "comment": "..."}, ensure_ascii=False)
    example = _EXAMPLE_OF_TASK[req.task]  # the JSON alone, without its English remark
    return example.split("} (", 1)[0] + "}" if "} (" in example else example


def validate_llm_annotation(
    payload: Any, attributes: Mapping[str, Any], req: LlmRequirements
) -> SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation:
    """The payload checked against the spec's task and the item; InvalidInput names every problem."""
    want = _DOC_OF_TASK[req.task]
    if not isinstance(payload, dict) or payload.get("type") not in _DOC_OF_TASK.values():
        raise InvalidInput(f"not an LLM annotation: this project's task is {req.task}; submit a"
                           f" JSON object such as {_EXAMPLE_OF_TASK[req.task]}")
    doc = parse_annotation(payload)
    if doc.type != want:
        raise coded_refusal([_problem(
            "wrong_document", f"this project's task is {req.task}: submit a {want} document,"
            f" not {doc.type}", task=req.task, want=want, given=doc.type)])
    ids = [str(i) for i in attributes.get("response_ids") or []]
    # each problem with a code and its values, so a face can word it in its reader's language
    # ("invalid": a text rule shared with the record checks, kept in English)
    coded: list[dict[str, Any]] = []
    if isinstance(doc, SftAnnotation):
        coded = _sft_problems(doc, req)
    elif isinstance(doc, PairwiseAnnotation):
        if doc.a == doc.b:
            coded.append(_problem("same_response", "a and b must be two different responses",
                                  field="b"))
        elif ids:
            coded += _ids_problems((doc.a, doc.b), ids, "the comparison", "a/b")
    elif isinstance(doc, RankingAnnotation):
        if ids:
            coded += _ids_problems(doc.ranking, ids, "the ranking", "ranking")
        elif len(set(doc.ranking)) != len(doc.ranking):
            twice = sorted({i for i in doc.ranking if doc.ranking.count(i) > 1})
            coded.append(_problem("response_twice", "the ranking names a response more than"
                                  " once", field="ranking", responses=", ".join(twice)))
    elif req.rubric is not None:
        doc, coded = _keyed_by_name(doc, req.rubric)
        coded += _rubric_problems(doc, req.rubric)
    least = max(req.min_reason_chars, 1)
    if isinstance(doc, PairwiseAnnotation | RankingAnnotation):
        if meaningful_chars(doc.reason) < least:
            coded.append({"code": "reason_too_short", "field": "reason", "least": least,
                          "message": f"a reason of at least {least} {_LETTERS}"})
    elif isinstance(doc, RubricAnnotation) and meaningful_chars(doc.comment) < least:
        coded.append({"code": "comment_too_short", "field": "comment", "least": least,
                      "message": f"a comment of at least {least} {_LETTERS}"})
    if coded:
        raise coded_refusal(coded)
    return doc
