"""The ``speech.tts`` modality plugin: studio recordings of one voice reading a designed corpus,
annotated with time-aligned tiers (phones, syllables, words, prosody, stress, tones, POS)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from datamill.core.errors import DatamillError, InvalidInput
from datamill.core.jsontext import json_refusal
from datamill.modalities.base import (
    AnnotationDoc,
    CheckOutcome,
    CollectionRefusal,
    Exporter,
    ItemRecord,
)
from datamill.modalities.speech.schema import mono_collection_refusal
from datamill.modalities.speech.speakers import SPEAKER_UNITS, SpeakerBreakdown
from datamill.modalities.tts.schema import (
    TtsAnnotation,
    TtsItemAttributes,
    TtsRequirements,
    annotation_problems,
    base_language,
    parse_annotation,
)

__all__ = ["TtsPlugin", "TtsStatistics"]

MS_PER_HOUR = 3_600_000
_EXPORTERS = ("tts_textgrid", "mfa_corpus", "espnet_tts")


def _req(requirements: BaseModel | Mapping[str, Any]) -> TtsRequirements:
    if isinstance(requirements, TtsRequirements):
        return requirements
    data = requirements.model_dump() if isinstance(requirements, BaseModel) else requirements
    return TtsRequirements.model_validate(data)


def _refusal(problems: list[str]) -> InvalidInput:
    """The first 20 problems as a coded refusal: each a record the faces word in the reader's
    language (``prob.<code>``; a problem without its own code keeps its English line)."""
    from datamill.modalities.problem_words import coded_refusal
    from datamill.modalities.tts.consistency import TierProblem

    return coded_refusal([p.record() if isinstance(p, TierProblem)
                          else {"code": "tts_annotation", "message": p} for p in problems[:20]])


def canonical(ann: TtsAnnotation) -> str:
    """The annotation as compact JSON with sorted keys (what inspection compares)."""
    return json.dumps(ann.model_dump(mode="json"), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _from_text(text: str) -> TtsAnnotation:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise json_refusal(f"a TTS correction is the annotation as JSON: {err.msg}", err) from err
    return parse_annotation(data)


class TtsPlugin:
    """TTS studio data: format and studio checks, pre-aligned tiers, boundary-level QC."""

    name: ClassVar[str] = "speech.tts"
    requirements_model: ClassVar[type[BaseModel]] = TtsRequirements
    item_model: ClassVar[type[BaseModel]] = TtsItemAttributes
    default_preannotator: ClassVar[str] = "tts-align"
    volume_unit: ClassVar[str] = "hours"
    #: the manifest columns besides path and file that name an item's file
    manifest_file_columns: ClassVar[tuple[str, ...]] = ("audio", "audio_path")
    volume_base_unit: ClassVar[str] = "milliseconds"
    volume_per_unit: ClassVar[int] = MS_PER_HOUR
    #: its items have speakers: catalog entries and datasheets count them
    has_speakers: ClassVar[bool] = True
    #: pre-labelled sources: a delivered TextGrid (or MFA's alignments) imported back
    importer_names: ClassVar[tuple[str, ...]] = ("tts_textgrid",)
    media_suffixes: ClassVar[tuple[str, ...]] = (".wav", ".flac")
    #: a folder import reads the ``.txt`` beside each recording as its prompt (read text)
    prompt_sidecars: ClassVar[bool] = True
    media_folder: ClassVar[str] = "audio"
    #: ``defective_utterances``: the older name of an inspection's ``defective_items``, which
    #: speech clients (and the speech inspection page) read
    defect_score_aliases: ClassVar[tuple[str, ...]] = ("defective_utterances",)
    acceptance_metrics: ClassVar[tuple[str, ...]] = (
        "phone_accuracy", "boundary_accuracy", "prosody_accuracy")
    workbench_template: ClassVar[str] = "tts/task.html"
    review_template: ClassVar[str] = "tts/review.html"
    inspection_template: ClassVar[str] = "tts/inspection.html"
    review_reasons: ClassVar[tuple[str, ...]] = ("boundaries", "phones", "prosody", "guidelines",
                                                 "other")
    validates_with_prompt: ClassVar[bool] = True

    @staticmethod
    def prompt_problem(prompt: str) -> str | None:
        """Why subjects cannot record ``prompt`` as written (a word with no pronunciation:
        digits, symbols, a word outside the dictionary): a collection refuses it when added."""
        from datamill.modalities.tts.checks import prompt_check

        return prompt_check(prompt).reason

    @staticmethod
    def prompt_unread_words(prompt: str) -> list[str]:
        """The words of ``prompt`` with no pronunciation, as written (at most 10): what the
        collection's refusal of it names, in every language."""
        from datamill.modalities.tts.checks import unread_words

        return unread_words(prompt)

    # -- import
    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        """The probe's figures, the active speech level and the manifest's metadata."""
        from datamill.modalities.speech.audio import probe_audio
        from datamill.modalities.speech.long_takes import LONG_TAKE_FACTOR
        from datamill.modalities.tts.checks import NO_SPEECH_DBFS, measure_file

        p = probe_audio(path)  # decoded block by block
        known = {k: v for k, v in meta.items() if k in TtsItemAttributes.model_fields}
        most = requirements.get("max_duration_ms")
        longest = LONG_TAKE_FACTOR * (most if isinstance(most, int) and most > 0 else
                                      TtsRequirements.model_fields["max_duration_ms"].default)
        level = None  # a take far too long is not held in memory to measure (checks refuse it)
        try:
            if p.duration_ms <= longest:
                level = round(measure_file(path)["speech_level_dbfs"], 2)
                # the floor: no speech stands out (a steady tone): no level to compare
                level = None if level <= NO_SPEECH_DBFS else level
        except (OSError, RuntimeError, ValueError, DatamillError):
            level = None
        try:
            return TtsItemAttributes.model_validate({
                **known, "duration_ms": p.duration_ms, "sample_rate_hz": p.sample_rate_hz,
                "channels": p.channels, "bit_depth": p.bit_depth, "speech_level_dbfs": level})
        except ValidationError as err:
            why = err.errors()[0]["msg"].removeprefix("Value error, ")  # our own sentence
            raise InvalidInput(f"item attributes: {why}") from err

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return int(attributes.get("duration_ms") or 0)

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        return {k: attributes.get(k) for k in ("duration_ms", "sample_rate_hz", "speaker_id",
                                               "session_id", "speech_level_dbfs")}

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        from datamill.modalities.tts.checks import prompt_check, run_tts_checks

        outcomes = run_tts_checks(path, _req(requirements))
        return [*outcomes, prompt_check(prompt)] if prompt else outcomes

    def collection_refusal(self, requirements: BaseModel) -> CollectionRefusal | None:
        """More than one channel cannot be collected through the collection page."""
        return mono_collection_refusal(_req(requirements).audio)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        return False  # a few ms of numpy per file

    def cross_checker(self, requirements: Mapping[str, Any] | BaseModel) -> Any:
        """``session_level``: each item's speech level against its session's median."""
        from datamill.modalities.tts.checks import LevelChecker

        req = _req(requirements)
        return LevelChecker(req.max_level_deviation_db, req.level_reference_min_items)

    # -- annotation
    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel, *,
        prompt: str | None = None, text_normalization: Mapping[str, Any] | None = None,
    ) -> AnnotationDoc:
        """The tiers checked alone and together (:func:`annotation_problems`) and, when the
        item has a prompt, the words against it (:func:`~.consistency.prompt_problems`, under
        the spec's ``text_normalization``)."""
        from datamill.modalities.tts.consistency import prompt_problems

        ann = parse_annotation(payload)
        problems = annotation_problems(ann, int(attributes.get("duration_ms") or 0))
        problems += prompt_problems(ann, prompt, text_normalization)
        if problems:
            raise _refusal(problems)
        return AnnotationDoc(ann.model_dump(mode="json"), ann.text)

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        from datamill.modalities.tts.align import TtsPrediction

        if not isinstance(prediction, TtsPrediction):
            raise InvalidInput(
                f"this pre-annotator does not align TTS tiers (it returned "
                f"{type(prediction).__name__})")
        ann = prediction.annotation
        return AnnotationDoc(ann.model_dump(mode="json"), ann.text, prediction.model)

    # -- quality
    def compare(self, before: Any, after: Any) -> dict[str, Any]:
        """Phone accuracy, mean boundary shift (ms) and prosody accuracy of ``after`` against
        ``before`` (payloads, or their inspection texts); ``before`` None is an empty tier
        set."""
        from datamill.modalities.tts.metric import score_tiers

        def parsed(value: Any) -> TtsAnnotation:
            if isinstance(value, str):
                return _from_text(value)
            return parse_annotation(value)

        b = parsed(after)
        a = parsed(before) if before is not None else TtsAnnotation(language=b.language)
        s = score_tiers([a], [b])
        return {"phone_accuracy": s.phone_accuracy,
                "boundary_deviation_mean_ms": s.boundary_deviation_mean_ms,
                "prosody_accuracy": s.prosody_accuracy, "before": a.model_dump(mode="json"),
                "after": b.model_dump(mode="json")}

    def inspection_text(self, payload: Any, text: str) -> str:
        return canonical(parse_annotation(payload))

    def normalize_correction(self, corrected: str) -> str:
        ann = _from_text(corrected)
        problems = annotation_problems(ann, 0)
        if problems:
            raise _refusal(problems)
        return canonical(ann)

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]:
        """Phone, boundary and prosody accuracy plus boundary deviation mean/p95 in ms
        (:mod:`datamill.modalities.tts.metric`)."""
        from datamill.modalities.tts.metric import score_tiers

        return score_tiers([_from_text(r) for r in reference],
                           [_from_text(h) for h in hypothesis]).as_dict()

    def is_defective(self, reference: str, hypothesis: str) -> bool:
        from datamill.modalities.tts.metric import is_defective

        return is_defective(_from_text(reference), _from_text(hypothesis))

    # -- delivery
    def exporter_names(self) -> list[str]:
        return list(_EXPORTERS)

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        from datamill.modalities.registry import exporters

        exporter: Exporter[Any] = exporters.get(name)()
        return exporter

    def export_item(self, item: ItemRecord, payload: Any) -> object:
        from datamill.modalities.tts.exporters import export_item

        base_language(item.language)
        return export_item(item, payload)

    def statistics(self) -> TtsStatistics:
        return TtsStatistics()


class TtsStatistics:
    """Hours, utterances, sessions, phones and syllables, tier sources, and the speakers
    (voices): their demographics and minutes each
    (:class:`~datamill.modalities.speech.speakers.SpeakerBreakdown`, as for ``speech.asr``)."""

    def __init__(self) -> None:
        self.duration_ms = 0
        self.utterances = 0
        self.speakers = SpeakerBreakdown()
        self.sessions: set[str] = set()
        self.phones: Counter[str] = Counter()
        self.syllables = 0
        self.sources: Counter[str] = Counter()

    def add(self, item: ItemRecord, payload: Any) -> None:
        a = item.attributes
        self.duration_ms += int(a.get("duration_ms") or 0)
        self.utterances += 1
        self.speakers.add(a)
        if a.get("session_id"):
            self.sessions.add(str(a["session_id"]))
        try:
            ann = parse_annotation(payload)
        except InvalidInput:
            return
        self.phones.update(p.label for p in ann.phones)
        self.syllables += len(ann.syllables)
        self.sources[ann.source] += 1

    def result(self) -> dict[str, Any]:
        return {
            "hours": round(self.duration_ms / MS_PER_HOUR, 4), "duration_ms": self.duration_ms,
            "utterances": self.utterances, **self.speakers.result(),
            "sessions": len(self.sessions), "phones": sum(self.phones.values()),
            "distinct_phones": len(self.phones), "syllables": self.syllables,
            "tier_sources": dict(self.sources),
            "units": dict(SPEAKER_UNITS),
        }
