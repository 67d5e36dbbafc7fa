"""The ``speech.asr`` modality plugin: what the production loop calls for ASR projects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from datamill.core.errors import InvalidInput
from datamill.modalities.base import (
    AnnotationDoc,
    CheckOutcome,
    CollectionRefusal,
    Exporter,
    ItemRecord,
    JsonValue,
)
from datamill.modalities.speech.aggregation import SpeechAggregationMixin
from datamill.modalities.speech.schema import (
    SpeechAsrRequirements,
    SpeechItemAttributes,
    mono_collection_refusal,
)
from datamill.modalities.speech.speakers import SPEAKER_UNITS, SpeakerBreakdown
from datamill.modalities.speech.types import (
    SEGMENT_FLAGS,
    PreAnnotation,
    Segment,
    SpeechExportItem,
    flag_tag,
)

if TYPE_CHECKING:
    from datamill.modalities.speech.effect import SpeechEffectEvaluator
    from datamill.qc.text_norm import Segmenter

__all__ = ["SpeechAsrPlugin", "SpeechStatistics"]

MS_PER_HOUR = 3_600_000
_SEGMENT_KEYS = ("start_ms", "end_ms", "text", "speaker", "noise")


class SpeechAsrPlugin(SpeechAggregationMixin):
    """Speech recognition data: transcripts with timestamps, noise symbols, speakers."""

    #: the most items one application-effect run samples (a run is synchronous, bounded by
    #: its cost: at ~1.3 s of CPU a clip, 400 is about 9 minutes): its evaluator's
    #: ``max_sample``, and the most a spec's ``effect.min_sample`` may ask for (more is
    #: refused: ``effect_min_sample_cap``)
    effect_max_sample: ClassVar[int] = 400
    name: ClassVar[str] = "speech.asr"
    requirements_model: ClassVar[type[BaseModel]] = SpeechAsrRequirements
    item_model: ClassVar[type[BaseModel]] = SpeechItemAttributes
    default_preannotator: ClassVar[str] = "pocketsphinx"
    volume_unit: ClassVar[str] = "hours"
    #: the manifest columns besides path and file that name an item's file
    manifest_file_columns: ClassVar[tuple[str, ...]] = ("audio", "audio_path")
    #: other names of a manifest row's fields: ``sentence`` is Common Voice's prompt column,
    #: ``transcript`` many vendors'
    manifest_field_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "id": ("utterance_id",), "accent": ("region",), "prompt": ("transcript", "sentence")}
    volume_base_unit: ClassVar[str] = "milliseconds"
    volume_per_unit: ClassVar[int] = MS_PER_HOUR
    #: its items have speakers: catalog entries and datasheets count them
    has_speakers: ClassVar[bool] = True
    media_suffixes: ClassVar[tuple[str, ...]] = (".wav", ".flac", ".ogg")
    #: a folder import reads the ``.txt`` beside each recording as its prompt (read text)
    prompt_sidecars: ClassVar[bool] = True
    media_folder: ClassVar[str] = "audio"
    #: ``defective_utterances``: the older name of an inspection's ``defective_items``, which
    #: speech clients (and the speech inspection page) read
    defect_score_aliases: ClassVar[tuple[str, ...]] = ("defective_utterances",)
    acceptance_metrics: ClassVar[tuple[str, ...]] = ("character_accuracy", "sentence_accuracy")
    #: a code-switched (e.g. Mandarin with English words) project may judge by the mixed error
    #: rate instead of character accuracy (``acceptance: {mixed_accuracy: 0.97, ...}``)
    metric_alternatives: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "character_accuracy": ("mixed_accuracy",)}
    workbench_template: ClassVar[str] = "workbench.html"
    #: a pre-annotation against the accepted transcript, else the read prompt (base_assist)
    preannotation_metrics: ClassVar[tuple[str, ...]] = ("word_error_rate", "character_accuracy")
    prompt_is_reference: ClassVar[bool] = True
    scores_by_language: ClassVar[bool] = True
    #: the spec's ``text_normalization`` (Chinese script, numerals) applies to its transcripts
    scores_by_text_normalization: ClassVar[bool] = True
    item_flags: ClassVar[tuple[str, ...]] = SEGMENT_FLAGS  # "cannot transcribe" the item
    #: the read-speech prompt check sends a borderline recording to a listener
    check_verdicts: ClassVar[tuple[str, ...]] = ("listen",)
    importer_names: ClassVar[tuple[str, ...]] = ("kaldi", "textgrid")  # pre-labelled sources
    #: ``recording``: the audio itself is bad; a collected item's subject is asked to record
    #: it again (``datamill.collection.subject.sync_rerecords``)
    review_reasons: ClassVar[tuple[str, ...]] = ("wrong_words", "noise", "segmentation",
                                                 "speaker", "recording", "guidelines", "other")

    def probe(self, path: Path) -> Mapping[str, Any]:
        from datamill.modalities.speech.audio import probe_audio

        p = probe_audio(path)
        return {
            "duration_ms": p.duration_ms,
            "sample_rate_hz": p.sample_rate_hz,
            "channels": p.channels,
            "bit_depth": p.bit_depth,
        }

    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        """The probe's figures plus the manifest's collection metadata."""
        known = {k: v for k, v in meta.items() if k in SpeechItemAttributes.model_fields}
        try:
            return SpeechItemAttributes.model_validate({**known, **self.probe(path)})
        except ValidationError as err:
            why = err.errors()[0]["msg"].removeprefix("Value error, ")  # our own sentence
            raise InvalidInput(f"item attributes: {why}") from err

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return int(attributes.get("duration_ms") or 0)

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        return {k: attributes.get(k) for k in ("duration_ms", "sample_rate_hz", "speaker_id",
                                               "gender")}

    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        """Audio checks, then (read speech with a prompt, audio OK) audio–text consistency."""
        from datamill.modalities.speech.audio import run_audio_checks

        req = _req(requirements)
        outcomes = list(run_audio_checks(path, req))
        from datamill.modalities.speech.long_takes import measured
        from datamill.modalities.speech.prompt_rate import aligner_reads, speaking_rate_outcome

        decodable = all(o.passed for o in outcomes if o.name in ("decodable", "format")) \
            and measured(outcomes)  # a take far too long is not aligned either

        if req.read_speech and prompt and decodable and not aligner_reads(prompt):
            # Chinese, Japanese, Korean or nothing to read: the English aligner cannot check it
            outcomes.append(speaking_rate_outcome(prompt, outcomes, path))
        elif req.read_speech and prompt and decodable:
            from datamill.modalities.speech.consistency import check_consistency

            pc = req.prompt_check
            res = check_consistency(
                path, prompt, reject_below=pc.reject_below if pc else None,
                pass_from=pc.pass_from if pc else None,
            )
            verdict, reason = res.verdict, res.reason
            if (req.min_alignment_score is not None and verdict != "reject"
                    and res.alignment_score < req.min_alignment_score):
                verdict = "reject"
                reason = (f"audio does not match its prompt (alignment score "
                          f"{res.alignment_score:.2f} < {req.min_alignment_score:.2f})")
            outcomes.append(
                CheckOutcome(
                    name="audio_text_consistency",
                    passed=verdict != "reject",
                    value=res.min_word_llr,
                    reason=reason,
                    extra={"verdict": verdict, "alignment_score": res.alignment_score,
                           "aligned_words": res.aligned_words,
                           "weak_words": list(res.weak_words[:8]),
                           "reject_below": res.reject_below, "pass_from": res.pass_from,
                           "unsaid_share": res.unsaid_share},
                )
            )
        return outcomes

    def cross_checker(self, requirements: Mapping[str, Any] | BaseModel) -> Any:
        """``speaker_rate`` (read speech): a take's speaking rate against its speaker's usual
        one, for prompts the speaking-rate check reads (:class:`~.prompt_rate.SpeakerRateChecker`)."""
        from datamill.modalities.speech.prompt_rate import SpeakerRateChecker

        req = requirements if isinstance(requirements, BaseModel) \
            else SpeechAsrRequirements.model_validate(requirements)
        return SpeakerRateChecker() if _req(req).read_speech else None

    def collection_refusal(self, requirements: BaseModel) -> CollectionRefusal | None:
        """More than one channel cannot be collected through the collection page."""
        return mono_collection_refusal(_req(requirements).audio)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        """Forced alignment (read speech) costs ~0.2 s of CPU a file; audio checks ~0.5 ms."""
        return bool(SpeechAsrRequirements.model_validate(requirements).read_speech)

    def validate_segments(
        self, segments: Sequence[Segment], duration_ms: int, requirements: BaseModel
    ) -> list[str]:
        from datamill.modalities.speech.segments import validate_segments

        return validate_segments(segments, duration_ms, _req(requirements))

    def flag_payload(self, payload: Any, flag: str) -> Any:
        """The item flag recorded on every segment (what is not a segment list is left for
        ``validate_annotation`` to refuse)."""
        if not isinstance(payload, list):
            return payload
        segs = [s.model_dump() if isinstance(s, BaseModel) else s for s in payload]
        return [{**d, "flag": flag} if isinstance(d, Mapping) else d for d in segs]

    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> AnnotationDoc:
        """``payload`` is a list of segment objects (``start_ms``, ``end_ms``, ``text``,
        ``speaker``, ``noise``); texts are stripped, and a known noise symbol typed in
        full-width brackets (``【noise】``, ``［noise］``: a Chinese IME's brackets) is stored as
        the symbol (``[noise]``)."""
        if not isinstance(payload, list):
            raise InvalidInput("a speech annotation is a list of segments")
        from datamill.modalities.speech.segments import ascii_tags, noise_in_text

        allowed = _req(requirements).noise_symbols
        segs: list[Segment] = []
        for i, s in enumerate(payload):
            d = s.model_dump() if isinstance(s, BaseModel) else s
            if not isinstance(d, Mapping):
                raise InvalidInput(f"segments[{i}]: must be an object")
            speaker = d.get("speaker")
            if speaker is not None and not isinstance(speaker, str):
                raise InvalidInput(f"segments[{i}]: speaker is a speaker id (text) or null")
            try:  # a known tag typed in full-width brackets (【noise】) is stored as the tag
                text = ascii_tags(str(d.get("text") or "").strip(), allowed)
                noise = [ascii_tags(str(n), allowed) for n in d.get("noise") or ()]
                segs.append(Segment(int(d["start_ms"]), int(d["end_ms"]), text, speaker,
                                    noise_in_text(text, noise, allowed),  # the text's too
                                    flag=d.get("flag") or None))
            except (KeyError, TypeError, ValueError) as err:
                raise InvalidInput(f"segments[{i}]: needs whole start_ms and end_ms") from err
        problems = self.validate_segments(segs, int(attributes.get("duration_ms") or 0),
                                          requirements)
        if problems:  # coded: each face words them in its reader's language
            from datamill.modalities.problem_words import coded_refusal
            from datamill.modalities.speech.segments import SegmentProblem

            raise coded_refusal([p.record() if isinstance(p, SegmentProblem) else
                                 {"code": "asr_segment", "message": p} for p in problems])
        clean = [s.to_dict() for s in segs]
        document: list[JsonValue] = list(clean)
        return AnnotationDoc(document, _text(clean))

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        if not isinstance(prediction, PreAnnotation):
            raise TypeError(f"a speech pre-annotator returned {type(prediction).__name__}")
        return AnnotationDoc([s.to_dict() for s in prediction.segments], prediction.text,
                             prediction.model)

    def inspection_text(self, payload: Any, text: str) -> str:
        return text

    def normalize_correction(self, corrected: str) -> str:
        return corrected

    def inspection_segments(self, payload: Any) -> list[dict[str, Any]] | None:
        """The delivered segments an inspector steps through (``start_ms``, ``end_ms``,
        ``text``, ``flag``), in the order whose texts, joined by spaces, make the delivered
        text; None for a payload that is no segment list."""
        if not isinstance(payload, list) or not all(isinstance(s, Mapping) for s in payload):
            return None
        return [{"start_ms": int(s.get("start_ms") or 0), "end_ms": int(s.get("end_ms") or 0),
                 "text": str(s.get("text") or ""), "flag": s.get("flag")} for s in payload]

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *,
        language: str | None = None, segmenter: Segmenter | None = None,
        text_normalization: Mapping[str, Any] | None = None,
    ) -> Mapping[str, float]:
        """Corpus character accuracy, sentence accuracy, WER and mixed accuracy (``1 - MER``:
        CJK characters one by one, Latin/digit runs as words; ``datamill.qc.metrics``).

        Chinese and Japanese text is scored by characters (spaces and full-width punctuation
        never count); ``language`` adds locale-aware case folding (Turkish ``İ``/``I``);
        ``segmenter="jieba"`` makes the WER of Chinese one over jieba's words;
        ``text_normalization`` (the spec's) makes traditional and simplified characters, or
        digits and Chinese numerals, count as the same (:mod:`datamill.qc.text_conventions`)."""
        from datamill.qc.metrics import score_transcripts
        from datamill.qc.text_conventions import conventions_of

        s = score_transcripts(reference, hypothesis, language=language, segmenter=segmenter,
                              conventions=conventions_of(text_normalization))
        return {
            "character_accuracy": s.character_accuracy,
            "sentence_accuracy": s.sentence_accuracy,
            "word_error_rate": s.word_error_rate,
            "mixed_accuracy": s.mixed_accuracy,
        }

    def scoring_normalization(
        self, language: str | None, text_normalization: Mapping[str, Any] | None
    ) -> dict[str, str]:
        """What ``score`` normalises before comparing (codes, for the delivery's datasheet)."""
        from datamill.qc.text_conventions import conventions_of
        from datamill.qc.text_norm import normalization_codes

        return normalization_codes(language, conventions_of(text_normalization))

    def is_defective(
        self, reference: str, hypothesis: str, *, language: str | None = None,
        text_normalization: Mapping[str, Any] | None = None,
    ) -> bool:
        """An utterance is a defect when its normalised transcript differs at all (under the
        spec's ``text_normalization``, when it names conventions)."""
        from datamill.qc.metrics import normalize_transcript
        from datamill.qc.text_conventions import conventions_of

        conventions = conventions_of(text_normalization)
        return normalize_transcript(
            reference, language=language, conventions=conventions
        ) != normalize_transcript(hypothesis, language=language, conventions=conventions)

    def exporter_names(self) -> list[str]:
        return ["kaldi", "textgrid", "hf"]

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        from datamill.modalities.registry import exporters

        if name == "kaldi":  # one sample rate per data directory: the spec's (sox pipes the rest)
            from datamill.modalities.speech.exporters.kaldi import KaldiExporter

            audio = requirements.get("audio")
            rate = audio.get("sample_rate_hz") if isinstance(audio, Mapping) else None
            return KaldiExporter(sample_rate_hz=int(rate) if rate else 16000)
        exporter: Exporter[Any] = exporters.get(name)()
        return exporter

    def export_item(self, item: ItemRecord, payload: Any) -> SpeechExportItem:
        a = item.attributes
        return SpeechExportItem(
            utterance_id=item.external_id.replace("/", "_"), audio_path=item.path,
            sha256=item.sha256, duration_ms=int(a.get("duration_ms") or 0),
            sample_rate_hz=int(a.get("sample_rate_hz") or 0), channels=int(a.get("channels") or 1),
            language=item.language, speaker_id=a.get("speaker_id") or "unknown",
            segments=tuple([_tagged(_own_speaker(Segment.from_dict(s), a)) for s in payload or ()]),
            gender=a.get("gender"),
            age=a.get("age"), accent=a.get("accent"), device=a.get("device"),
            environment=a.get("environment"),
            bit_depth=int(a["bit_depth"]) if a.get("bit_depth") else None,
        )

    def statistics(self) -> SpeechStatistics:
        return SpeechStatistics()

    def effect_evaluator(
        self, requirements: Mapping[str, Any], language: str
    ) -> SpeechEffectEvaluator:
        """Application-effect verification: the packaged recogniser's word error rate on a
        sample, per speaker, gender, age band and accent (:mod:`.effect`; English only)."""
        from datamill.modalities.speech.effect import SpeechEffectEvaluator

        return SpeechEffectEvaluator(language)

    def mask_media(
        self, path: Path, payload: Any, holds_pii: Callable[[str], bool],
    ) -> tuple[bytes, int] | None:
        """The recording with every segment whose transcript holds personal data bleeped
        (:mod:`.bleep`), and how many segments; None when no transcript holds any."""
        from datamill.modalities.speech.bleep import bleep_spans

        spans = [(int(s["start_ms"]), int(s["end_ms"])) for s in payload or ()
                 if isinstance(s, Mapping) and holds_pii(str(s.get("text") or ""))]
        return (bleep_spans(path, spans), len(spans)) if spans else None


class SpeechStatistics:
    """Hours, utterances, devices and environments, and the speakers: their demographics and
    minutes each (:class:`~datamill.modalities.speech.speakers.SpeakerBreakdown`)."""

    def __init__(self) -> None:
        self.duration_ms = 0
        self.utterances = 0
        self.speakers = SpeakerBreakdown()
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in ("device", "environment")}

    def add(self, item: ItemRecord, payload: Any) -> None:
        a = item.attributes
        self.duration_ms += int(a.get("duration_ms") or 0)
        self.utterances += 1
        self.speakers.add(a)
        self.counts["device"][a.get("device") or "unknown"] += 1
        self.counts["environment"][a.get("environment") or "unknown"] += 1

    def result(self) -> dict[str, Any]:
        c = self.counts
        return {
            "hours": round(self.duration_ms / MS_PER_HOUR, 4), "duration_ms": self.duration_ms,
            "utterances": self.utterances, **self.speakers.result(),
            "collection": {"devices": dict(c["device"]), "environments": dict(c["environment"])},
            "units": dict(SPEAKER_UNITS),
        }


def _own_speaker(seg: Segment, attributes: Mapping[str, Any]) -> Segment:
    """A segment naming the item's speaker by the id as labelled (any case), where a delivery
    names that speaker otherwise (``speaker_id_labelled``, see
    ``production.delivery_speakers``), names them as delivered."""
    labelled = attributes.get("speaker_id_labelled")
    if seg.speaker and labelled is not None \
            and seg.speaker.strip().casefold() == str(labelled).strip().casefold():
        return replace(seg, speaker=str(attributes.get("speaker_id")))
    return seg


def _tagged(seg: Segment) -> Segment:
    """A flagged segment as exporters write it: the documented tag ``<flag:NAME>`` in front of
    its transcript (so Kaldi, TextGrid and HF exports all carry it); the flag field itself is
    folded into the text. The noise list names every noise symbol of the text (an annotation
    stored before submissions filled it in had ``[]`` beside ``[noise]``)."""
    from datamill.modalities.speech.segments import noise_in_text

    if "[" in seg.text and (noise := noise_in_text(seg.text, seg.noise)) != seg.noise:
        seg = replace(seg, noise=noise)
    if seg.flag is None:
        return seg
    return replace(seg, text=f"{flag_tag(seg.flag)} {seg.text}".strip(), flag=None)


def _text(segments: list[dict[str, Any]]) -> str:
    return " ".join(str(s["text"]) for s in segments if s["text"]).strip()


def _req(requirements: BaseModel) -> SpeechAsrRequirements:
    if isinstance(requirements, SpeechAsrRequirements):
        return requirements
    return SpeechAsrRequirements.model_validate(requirements.model_dump())
