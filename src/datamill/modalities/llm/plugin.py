"""The ``llm`` modality plugin: SFT conversations, response preferences and rubric evaluations.

Built from :mod:`.records`, :mod:`.checks`, :mod:`.schema`, :mod:`.metric`, :mod:`.aggregate`
and :mod:`.exporters`; the loop reaches it only through the modality contract.

Spec ``requirements`` (every threshold required)::

    requirements:
      task: pairwise                 # sft | pairwise | ranking | rubric
      min_reason_chars: 10           # reasons (preference), comments (rubric); not for sft
      require_reasoning: false       # SFT: chain of thought required on assistant turns
      record: {max_record_bytes: 200000, min_turn_chars: 1, max_turn_chars: 8000,
               min_responses: 2, max_responses: 2, languages: [en, zh],
               min_language_chars: 12, banned_words: [...], pii: flag}  # pii: or reject
      rubric: {likert_min: 1, likert_max: 5,          # task rubric only
               criteria: [{name: helpfulness, kind: likert}, {name: safe, kind: pass_fail}]}
    acceptance: {agreement: 0.9}

**Import.** A JSONL file (one record a line), a JSON file (a record or a list) or a folder of
``.json`` records; :meth:`LlmPlugin.split_source` writes each record as a canonical
``<id>.json`` media file and names refused lines (``records.jsonl:7: malformed JSON ...``) in
the import report; a refused line leaves nothing behind.

**Volume.** One item is one dialogue (a record); deliveries and prices count dialogues. Tokens
depend on a tokenizer the customer chooses later and characters mean different work in Chinese
and English, so neither is the sold unit; the item's ``characters`` attribute is kept for
estimates.

**QC.** Inspectors correct the delivered document (canonical JSON); ``agreement`` is pair
agreement (preference), rubric agreement within ±1 (rubric) or turn acceptance (SFT) — see
:mod:`.metric`.

**Aggregation** (overlap > 1): ``aggregation_units``, ``pairwise_units`` and
``merge_aggregate`` per the aggregation contract — see :mod:`.aggregate`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import json_refusal
from datamill.modalities.base import AnnotationDoc, CheckOutcome, Exporter, ItemRecord
from datamill.modalities.llm import aggregate
from datamill.modalities.llm.exporters import LlmExportItem
from datamill.modalities.llm.records import (
    LlmItemAttributes,
    LlmRecord,
    Split,
    Turn,
    describe_record,
    is_record_source,
    read_record,
    split_records,
)
from datamill.modalities.llm.schema import (
    LlmRequirements,
    SftAnnotation,
    annotation_text,
    answer_example,
    parse_annotation,
    validate_llm_annotation,
)
from datamill.modalities.llm.sft_agreement import SFT_KEY, sft_units

if TYPE_CHECKING:
    from datamill.modalities.llm.effect import LlmPreferenceEvaluator

__all__ = ["LlmPlugin", "LlmStatistics"]

_EXPORTERS = ("llm_messages", "llm_dpo", "llm_ranked", "llm_rubric")
_FORMATS_OF_TASK: dict[str, tuple[str, ...]] = {
    "sft": ("llm_messages",), "pairwise": ("llm_messages", "llm_dpo", "llm_ranked"),
    "ranking": ("llm_messages", "llm_dpo", "llm_ranked"), "rubric": ("llm_rubric",)}


_VIEW_WORDS: dict[str, str] = {
    "role.system": "system: {text}", "role.user": "user: {text}",
    "role.assistant": "assistant: {text}", "response": "response {id}: {text}",
    "answer": "answer: {text}", "criterion": "criterion {name}{label}: {scale}{about}",
    "likert": "score {low}–{high}", "pass_fail": "true (pass) or false (fail)",
    "form": "write: {text}"}


def _req(requirements: BaseModel | Mapping[str, Any]) -> LlmRequirements:
    if isinstance(requirements, LlmRequirements):
        return requirements
    if isinstance(requirements, BaseModel):
        requirements = requirements.model_dump()
    try:
        return LlmRequirements.model_validate(requirements)
    except ValidationError as err:
        raise InvalidInput(f"invalid llm requirements: {err.errors(include_url=False)[0]['msg']}") from err


def _canonical(payload: Any) -> str:
    doc = parse_annotation(payload)
    return json.dumps(doc.model_dump(mode="json", exclude_none=True), sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))


def _from_text(text: str) -> Any:
    try:
        data = json.loads(text) if text else None
    except json.JSONDecodeError as err:
        raise json_refusal(f"an LLM correction is an annotation document (JSON): {err}",
                           err) from err
    return parse_annotation(data)


class LlmPlugin:
    """LLM data: conversations to write or correct, responses to compare, rank or score."""

    name: ClassVar[str] = "llm"
    requirements_model: ClassVar[type[BaseModel]] = LlmRequirements
    item_model: ClassVar[type[BaseModel]] = LlmItemAttributes
    default_preannotator: ClassVar[str] = "llm-record"
    volume_unit: ClassVar[str] = "dialogues"
    volume_base_unit: ClassVar[str] = "dialogues"
    volume_per_unit: ClassVar[int] = 1
    media_suffixes: ClassVar[tuple[str, ...]] = (".json",)
    media_folder: ClassVar[str] = "records"
    acceptance_metrics: ClassVar[tuple[str, ...]] = ("agreement",)
    #: an SFT conversation is one question answered in free text
    #: (:func:`datamill.qc.aggregating.free_text_key`)
    free_text_questions: ClassVar[tuple[str, ...]] = (SFT_KEY,)
    workbench_template: ClassVar[str] = "llm/task.html"
    review_template: ClassVar[str] = "llm/review.html"
    inspection_template: ClassVar[str] = "llm/inspection.html"
    # the inspection list shows each sampled record (prompt, responses) beside the verdicts
    inspection_shows_record: ClassVar[bool] = True
    review_reasons: ClassVar[tuple[str, ...]] = ("wrong_choice", "weak_reason", "wrong_scores",
                                                 "bad_turns", "guidelines", "other")

    # -- import
    def split_source(
        self, source: Path, out_dir: Path, requirements: Mapping[str, Any]
    ) -> Iterator[Split] | None:
        """A JSONL/JSON source as record files in ``out_dir`` (None: import ``source`` as it
        is). Yields ``(where, file name, None)`` or ``(where, None, reason[, code and
        values])`` in source order."""
        if not is_record_source(source):
            return None
        limit = int(dict(requirements.get("record") or {}).get("max_record_bytes") or 0)
        return split_records(source, out_dir, limit) if limit else split_records(source, out_dir)

    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        limit = int(dict(requirements.get("record") or {}).get("max_record_bytes") or 0)
        record = read_record(path, limit) if limit else read_record(path)
        return describe_record(record)

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return 1

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        return {k: attributes.get(k) for k in ("turns", "responses", "characters")}

    def task_summary(self, attributes: Mapping[str, Any], payload: Any) -> dict[str, Any]:
        """A task's summary line (``datamill work next``): an SFT answer's own turns and
        characters (the record's prompt turns plus the draft response it starts from), else
        the item's :meth:`summary`."""
        doc = parse_annotation(payload) if payload else None
        if not isinstance(doc, SftAnnotation):
            return self.summary(attributes)
        return {"turns": len(doc.turns), "characters": sum(len(t.content) for t in doc.turns)}

    def readable_task(self, path: Path, payload: Any,
                      words: Mapping[str, str] | None = None) -> str:
        """What a terminal shows an annotator (``datamill work next``): the conversation, each
        candidate response under its id, and the current answer when there is one.

        ``words`` are the face's templates for the labels, in its reader's language (keys
        ``role.system``, ``role.user``, ``role.assistant`` with ``{text}``, ``response`` with
        ``{id}`` and ``{text}``, ``answer`` with ``{text}``); English where left out."""
        w = {**_VIEW_WORDS, **(words or {})}

        def turn(role: str, text: str) -> str:
            return w[f"role.{role}"].format(text=text)

        record = read_record(path)
        lines = [turn(t.role, t.content) for t in record.messages]
        lines += [w["response"].format(id=r.id, text=r.content) for r in record.responses]
        if payload:
            doc = parse_annotation(payload)
            shown = ("\n".join(turn(t.role, t.content) for t in doc.turns)
                     if isinstance(doc, SftAnnotation) else annotation_text(doc))
            lines.append(w["answer"].format(text=shown))
        return "\n".join(lines)

    def readable_guide(self, requirements: BaseModel | Mapping[str, Any],
                       words: Mapping[str, str] | None = None, current: Any = None) -> str:
        """What a terminal shows under the dialogue (``datamill work next``): a rubric's
        criteria (machine name, label, scale, description) and the JSON to write. ``words``
        as :meth:`readable_task`'s (keys ``criterion``, ``likert``, ``pass_fail``, ``form``).
        ``current`` (the task's current version) is not used: the dialogue above shows it."""
        w = {**_VIEW_WORDS, **(words or {})}
        req = _req(requirements)
        lines = []
        rubric = req.rubric if req.task == "rubric" else None
        low, high = (rubric.likert_min, rubric.likert_max) if rubric else (0, 0)
        for c in rubric.criteria if rubric else ():
            scale = (w["likert"].format(low=low, high=high)
                     if c.kind == "likert" else w["pass_fail"])
            lines.append(w["criterion"].format(
                name=c.name, label=f" «{c.label}»" if c.label else "", scale=scale,
                about=f" — {c.description}" if c.description else ""))
        lines.append(w["form"].format(text=answer_example(req)))
        return "\n".join(lines)

    def task_content(self, path: Path) -> dict[str, Any]:
        """What a script judges (``datamill work next --json``, key ``content``): the record
        as stored, ``{"type": "llm_record", "schema_version": 1, "id", "messages": [{"role",
        "content", "reasoning"?}], "responses": [{"id", "content", "model"?}], "meta"}``."""
        return read_record(path).model_dump(mode="json", exclude_none=True)

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        from datamill.modalities.llm.checks import run_record_checks

        return run_record_checks(path, _req(requirements).record)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        """JSON parsing and lingua on a few turns: light, best run in one process (lingua's
        models load once)."""
        return False

    def checks_need_isolation(self, requirements: Mapping[str, Any]) -> bool:
        """No: the checks read text in Python (lingua in Rust), no native decoder that a file
        can crash, so the CLI checks here instead of paying a worker's start and lingua's
        models again (~3.7 s CPU) in each worker process."""
        return False

    def collection_checks(
        self, requirements: Mapping[str, Any], checked: Sequence[tuple[str, Path]],
        accepted: Sequence[tuple[str, Path]],
    ) -> dict[str, list[CheckOutcome]]:
        """``duplicate``: the same conversation and responses as a record the project passed
        or one checked before it, under another id (whitespace and case aside, the responses
        in any order)."""
        from datamill.modalities.llm.checks import duplicate_outcomes

        return duplicate_outcomes(checked, accepted)

    # -- annotation
    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> AnnotationDoc:
        doc = validate_llm_annotation(payload, attributes, _req(requirements))
        return AnnotationDoc(doc.model_dump(mode="json", exclude_none=True), annotation_text(doc))

    def preannotation_skipped(self, requirements: BaseModel | Mapping[str, Any]) -> str | None:
        """Only SFT starts from the record (its response as the last turn); a choice between
        responses, a ranking or a rubric score starts from nothing."""
        task = _req(requirements).task
        if task == "sft":
            return None
        return f"{task} work starts without a pre-annotation (only sft starts from the record)"

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        """The ``llm-record`` pre-annotator's record as the SFT starting point: its turns, and
        its single response (if any) as the last assistant turn."""
        if not isinstance(prediction, LlmRecord):
            raise InvalidInput(f"this pre-annotator does not read LLM records (it returned"
                               f" {type(prediction).__name__})")
        if len(prediction.responses) > 1:
            raise InvalidInput(f"record {prediction.id} has {len(prediction.responses)} responses:"
                               " preference and rubric work starts without a pre-annotation")
        turns = list(prediction.messages)
        turns += [Turn(role="assistant", content=r.content, reasoning=None) for r in prediction.responses]
        doc = SftAnnotation(turns=tuple(turns))
        return AnnotationDoc(doc.model_dump(mode="json", exclude_none=True),
                             annotation_text(doc), "llm-record")

    # -- aggregation (the wave-3 contract)
    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return aggregate.aggregation_units(payload)

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return aggregate.pairwise_units(payload)

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        return aggregate.merge_aggregate(payloads, decided)

    def region_units(self, payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
        """SFT conversations as one free-text question (:mod:`.sft_agreement`)."""
        return sft_units(payloads)

    # -- quality
    def compare(self, before: Any, after: Any) -> dict[str, Any]:
        """Choice, ranking, rubric and turn differences (see :mod:`.compare`)."""
        from datamill.modalities.llm.compare import compare_llm

        return compare_llm(before, after)

    def inspection_text(self, payload: Any, text: str) -> str:
        return _canonical(payload)

    #: an inspector's correction is an annotation document, held to the spec like a submission
    corrections_are_annotations: ClassVar[bool] = True

    def normalize_correction(self, corrected: str) -> str:
        return _canonical(_from_text(corrected))

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]:
        from datamill.modalities.llm.metric import score_documents

        return score_documents([_from_text(t) for t in reference],
                               [_from_text(t) for t in hypothesis])

    def is_defective(self, reference: str, hypothesis: str) -> bool:
        from datamill.modalities.llm.metric import compare

        return compare(_from_text(reference), _from_text(hypothesis)).defective

    # -- delivery
    def exporter_names(self) -> list[str]:
        return list(_EXPORTERS)

    def default_exporter_names(self, requirements: Mapping[str, Any]) -> list[str]:
        """The formats that hold the project's task: a delivery without named formats writes
        these (an SFT project no preference files, a pairwise one no empty rubric table)."""
        return list(_FORMATS_OF_TASK[_req(requirements).task])

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        from datamill.modalities.registry import exporters

        cls: Any = exporters.get(name)
        if name == "llm_rubric":
            made: Exporter[Any] = cls(_req(requirements).rubric)
        else:
            made = cls()
        return made

    def export_item(self, item: ItemRecord, payload: Any) -> LlmExportItem:
        return LlmExportItem(id=item.external_id, record=read_record(item.readable),
                             annotation=parse_annotation(payload))

    def statistics(self) -> LlmStatistics:
        return LlmStatistics()

    def effect_evaluator(
        self, requirements: Mapping[str, Any], language: str
    ) -> LlmPreferenceEvaluator:
        """Application-effect verification: a reward model trained and cross-validated on the
        sample's preference pairs (:mod:`.effect`; pairwise and ranking projects)."""
        from datamill.modalities.llm.effect import LlmPreferenceEvaluator

        return LlmPreferenceEvaluator(requirements)


class LlmStatistics:
    """Dialogues, turns, responses, characters, annotation types and preference outcomes."""

    def __init__(self) -> None:
        self.dialogues = self.turns = self.responses = self.characters = 0
        self.types: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()

    def add(self, item: ItemRecord, payload: Any) -> None:
        """Count what is delivered: an SFT item's annotated conversation (a draft response
        the annotator rewrote is not delivered), another task's record (prompt and responses)."""
        doc = parse_annotation(payload)
        self.dialogues += 1
        if isinstance(doc, SftAnnotation):
            self.turns += len(doc.turns)
            self.responses += sum(1 for t in doc.turns if t.role == "assistant")
            self.characters += sum(len(t.content) for t in doc.turns)
        else:
            a = item.attributes
            self.turns += int(a.get("turns") or 0)
            self.responses += int(a.get("responses") or 0)
            self.characters += int(a.get("characters") or 0)
        self.types[doc.type] += 1
        for _, _, outcome in aggregate.pairwise_units(doc):
            self.outcomes["tie" if outcome == "tie" else "decided"] += 1

    def result(self) -> dict[str, Any]:
        return {
            "dialogues": self.dialogues, "turns": self.turns, "responses": self.responses,
            "characters": self.characters, "annotation_types": dict(self.types),
            "preference_pairs": dict(self.outcomes),
            "units": {"dialogues": "records (items)", "characters": "Unicode code points",
                      "turns": "turns delivered (SFT: of the annotated conversation; otherwise"
                               " of the record's prompt)",
                      "responses": "SFT: assistant turns delivered; otherwise candidate"
                                   " responses"},
        }
