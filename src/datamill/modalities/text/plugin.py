"""The ``text`` modality plugin (NLP): documents or lines, classification, NER, segmentation.

Built from :mod:`.schema`, :mod:`.checks`, :mod:`.metric`, :mod:`.aggregate`,
:mod:`.exporters`, :mod:`.importers` and :mod:`.preannotators`; the loop reaches it only through
:class:`datamill.modalities.base.ModalityPlugin`.

An item's media file is a UTF-8 ``.txt`` file (one document or one line of a corpus;
:func:`datamill.modalities.text.sources.prepare_text_source` turns TXT/CSV/JSONL/Parquet corpora
into such files plus a manifest). **Volume** is counted in characters (Unicode code points) and
sold per 1,000 characters (``volume_unit`` ``kchars``).

Spec ``requirements``::

    requirements:
      text: {min_chars: 2, max_chars: 500, languages: [zh, en], min_language_confidence: 0.5,
             max_control_chars: 0, near_duplicate_jaccard: 0.8, pii: flag}
      labels: {tasks: [ner], entity_labels: [PER, LOC, ORG]}
      gazetteer: {LOC: [北京, Paris]}       # optional, for the pre-annotators

Acceptance metrics: ``span_f1``, ``token_accuracy`` and ``label_accuracy`` (see
:mod:`.metric`), each set only where the project's tasks measure it (``ner``; ``segmentation``;
classification or ``sentiment``): a threshold on one they do not measure is refused. Inspection compares canonical
annotation JSON, like images: inspectors submit the corrected annotation document.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import json_refusal
from datamill.modalities._question_places import relation_place, span_place
from datamill.modalities.base import AnnotationDoc, CheckOutcome, Exporter, ItemRecord
from datamill.modalities.parse_problems import parse_refusal
from datamill.modalities.problem_words import coded_refusal
from datamill.modalities.text import aggregate
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import (
    PREANNOTATION_ATTRIBUTE,
    TEXT_IN_ATTRIBUTES_MAX,
    TextAnnotation,
    TextItemAttributes,
    TextLabelSchema,
    TextRequirements,
    annotation_problems,
    schema_spelling,
)
from datamill.modalities.text.textio import read_text, tokenize

if TYPE_CHECKING:
    from datamill.modalities.text.effect import TextEffectEvaluator
    from datamill.modalities.text.excerpts import TextExcerpts

__all__ = ["TextPlugin", "TextStatistics"]

_BAD_ID = re.compile(r"[\s\x00-\x1f\x7f/\\]")
_EXPORTERS = ("conll", "text_jsonl", "text_parquet", "spacy_docbin")


def _req(requirements: BaseModel | Mapping[str, Any]) -> TextRequirements:
    if isinstance(requirements, TextRequirements):
        return requirements
    if isinstance(requirements, BaseModel):
        requirements = requirements.model_dump()
    return TextRequirements.model_validate(requirements)


def _current_document(current: Any, tasks: AbstractSet[str]) -> dict[str, Any] | None:
    """The current version as the JSON an annotator writes for ``tasks`` (only the keys those
    tasks read; a span's model attribution left out), or None where it labels nothing or is
    no text annotation."""
    if not isinstance(current, dict):
        return None
    try:
        ann = parse_annotation(current)
    except InvalidInput:
        return None
    doc: dict[str, Any] = {}
    if tasks & {"ner", "relations"} and ann.spans:
        spans = []
        for sp in ann.spans:
            one: dict[str, Any] = {"start": sp.start, "end": sp.end, "label": sp.label}
            if sp.id:
                one["id"] = sp.id
            kept = {k: v for k, v in sp.attributes.items() if k != "preannotation"}
            if kept:
                one["attributes"] = kept
            spans.append(one)
        doc["spans"] = spans
    if "relations" in tasks and ann.relations:
        doc["relations"] = [{"head": r.head, "tail": r.tail, "label": r.label}
                            for r in ann.relations]
    if tasks & {"classification", "multi_label"} and ann.classes:
        doc["classes"] = list(ann.classes)
    if "sentiment" in tasks and ann.sentiment:
        doc["sentiment"] = ann.sentiment
    if "segmentation" in tasks and ann.tokens:
        doc["tokens"] = [t.model_dump(mode="json", exclude_none=True)
                         for t in ann.tokens]
    return doc or None


def parse_annotation(payload: Any) -> TextAnnotation:
    """A payload as a :class:`TextAnnotation` (InvalidInput naming every problem)."""
    if isinstance(payload, TextAnnotation):
        return payload
    if not isinstance(payload, dict):  # e.g. speech segments (``work submit --text``)
        raise InvalidInput('not a text annotation: submit a JSON object such as {"spans":'
                           ' [{"start": 0, "end": 2, "label": "PER"}], "classes": []} (offsets'
                           " in code points, end exclusive)")
    try:
        return TextAnnotation.model_validate(payload)
    except ValidationError as err:
        raise parse_refusal(err, "a text annotation", payload) from err


def _canonical(ann: TextAnnotation) -> str:
    return json.dumps(ann.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def _from_text(text: str) -> TextAnnotation:
    try:
        data = json.loads(text) if text else {}
    except json.JSONDecodeError as err:
        raise json_refusal(f"a text correction is an annotation document (JSON): {err}",
                           err) from err
    return parse_annotation(data)


def _flat(ann: TextAnnotation, text: str | None) -> str:
    """What search and lists show: labels and entity texts."""
    parts = list(ann.classes) + ([ann.sentiment] if ann.sentiment else [])
    if text is not None:
        parts += [f"{text[s.start:s.end]}/{s.label}" for s in ann.spans]
    return " ".join(parts)[:2000]


class TextPlugin:
    """Text items (documents or lines) with classification, NER, segmentation/POS,
    sentiment, relations and free-text attributes."""

    name: ClassVar[str] = "text"
    requirements_model: ClassVar[type[BaseModel]] = TextRequirements
    item_model: ClassVar[type[BaseModel]] = TextItemAttributes
    default_preannotator: ClassVar[str] = "jieba"
    volume_unit: ClassVar[str] = "kchars"
    volume_base_unit: ClassVar[str] = "characters"
    volume_per_unit: ClassVar[int] = 1000
    media_suffixes: ClassVar[tuple[str, ...]] = (".txt",)
    media_folder: ClassVar[str] = "texts"
    acceptance_metrics: ClassVar[tuple[str, ...]] = ("span_f1", "token_accuracy",
                                                     "label_accuracy")
    #: each set only where the project's tasks give it something to measure
    #: (``unmeasurable_metrics_for``): an NER-only project sets ``span_f1`` alone
    conditional_metrics: ClassVar[tuple[str, ...]] = acceptance_metrics
    #: a pre-annotation against the accepted document: spans, words and labels (base_assist)
    preannotation_metrics: ClassVar[tuple[str, ...]] = acceptance_metrics
    workbench_template: ClassVar[str] = "text/task.html"
    review_template: ClassVar[str] = "text/review.html"
    inspection_template: ClassVar[str] = "text/inspection.html"
    review_reasons: ClassVar[tuple[str, ...]] = ("missing_spans", "wrong_label", "boundaries",
                                                 "wrong_class", "guidelines", "other")
    #: pre-labelled sources (``data import --format``): each text written as an item's file
    importer_names: ClassVar[tuple[str, ...]] = ("conll", "spacy_json", "text_jsonl")
    #: what an import row naming no file means here: a corpus of texts given as rows
    no_file_hint: ClassVar[str] = (
        "a text project imports prepared text files: run `datamill text prepare FILE prepared/`"
        " on the corpus (TXT/CSV/JSONL/Parquet, a 'text' column) and import"
        " prepared/manifest.jsonl; labelled rows (id, text, annotation: a text_jsonl delivery)"
        " import with their spans by `--format text_jsonl`")

    # -- import
    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        """Refuses a file that is not UTF-8 (naming the byte), empty, holding NUL, or longer
        than one item may be (:data:`~.sources.MAX_ITEM_CHARS`, as ``text prepare`` refuses)."""
        from datamill.modalities.text.sources import MAX_ITEM_CHARS

        too_long = (f"{path.name} is longer than {MAX_ITEM_CHARS:,} characters, the limit of"
                    " one item: split it into items with `datamill text prepare`")
        if path.stat().st_size > MAX_ITEM_CHARS * 4:  # not read: UTF-8 is at most 4 bytes a char
            raise InvalidInput(too_long, file=path.name)
        text, bom = read_text(path)
        if len(text) > MAX_ITEM_CHARS:
            raise InvalidInput(too_long, file=path.name)
        if not text.strip():
            raise InvalidInput(f"{path.name} holds no text", file=path.name)
        if "\x00" in text:
            raise InvalidInput(f"{path.name} holds a NUL character at {text.index(chr(0))}",
                               file=path.name)
        from datamill.modalities.text.excerpts import byte_index

        short = len(text) <= TEXT_IN_ATTRIBUTES_MAX
        return TextItemAttributes(
            chars=len(text), lines=text.count("\n") + (not text.endswith("\n")),
            bytes=path.stat().st_size, bom=bom, text=text if short else None,
            byte_index=None if short else byte_index(text, bom),
        )

    def readable_task(self, path: Path, payload: Any,
                      words: Mapping[str, str] | None = None) -> str:
        """What a terminal shows an annotator (``datamill work next``): the text, then each
        span of the current annotation as ``text [start, end) LABEL`` (offsets in code
        points) and its classes. ``words``: the face's label templates in its reader's
        language (keys ``text``, ``classes``, ``sentiment`` with ``{text}``; ``span`` with
        ``{text}``, ``{start}``, ``{end}``, ``{label}``; ``relation`` with ``{head}``, ``{tail}``,
        ``{label}``); English where left out."""
        w = {"text": "text: {text}", "span": "span: {text} [{start}, {end}) {label}",
             "relation": "relation: {head} → {tail} {label}",
             "classes": "classes: {text}", "sentiment": "sentiment: {text}", **(words or {})}
        text, _ = read_text(path)
        lines = [w["text"].format(text=text)]
        if payload:
            ann = parse_annotation(payload)
            lines += [w["span"].format(text=text[sp.start:sp.end], start=sp.start, end=sp.end,
                                       label=sp.label) for sp in ann.spans]
            # each relation with its spans as the lines above name them (the ids alone meant
            # nothing to an annotator: trial h5)
            named = {sp.id: f"{text[sp.start:sp.end]} [{sp.start}, {sp.end})"
                     for sp in ann.spans if sp.id}
            lines += [w["relation"].format(head=named.get(r.head, r.head),
                                           tail=named.get(r.tail, r.tail), label=r.label)
                      for r in ann.relations]
            if ann.classes:
                lines.append(w["classes"].format(text=", ".join(ann.classes)))
            if ann.sentiment:
                lines.append(w["sentiment"].format(text=ann.sentiment))
        return "\n".join(lines)

    def readable_guide(self, requirements: BaseModel | Mapping[str, Any],
                       words: Mapping[str, str] | None = None, current: Any = None) -> str:
        """What a terminal shows under the text (``datamill work next``): the JSON to write
        for the spec's tasks, with the spec's first label of each kind (an annotator starting
        from no pre-annotation saw only ``--annotation FILE.json``: trial h8). ``words`` as
        :meth:`readable_task`'s (key ``form`` with ``{text}``). ``current``: the task's current
        version; where it labels anything the JSON is that version (its spans, relations,
        classes, sentiment and tokens for the spec's tasks), to edit and submit: a one-span
        example under three pre-annotated spans, copied as shown, dropped two of them (trial
        h7)."""
        w = {"form": "write: {text}", **(words or {})}
        labels = _req(requirements).labels
        tasks = set(labels.tasks)
        if (doc := _current_document(current, tasks)) is not None:
            return w["form"].format(text=json.dumps(doc, ensure_ascii=False))
        example: dict[str, Any] = {}  # type and schema_version have their defaults
        if tasks & {"ner", "relations"}:
            label = labels.entity_labels[0] if labels.entity_labels else "LABEL"
            spans: list[dict[str, Any]] = [{"start": 0, "end": 2, "label": label}]
            if "relations" in tasks:
                spans = [{**spans[0], "id": "s1"}, {"start": 3, "end": 5, "label": label,
                                                     "id": "s2"}]
                example["relations"] = [{"head": "s1", "tail": "s2", "label": (
                    labels.relation_labels[0] if labels.relation_labels else "LABEL")}]
            example["spans"] = spans
        if tasks & {"classification", "multi_label"}:
            example["classes"] = list(labels.classes[:1]) or ["CLASS"]
        if "sentiment" in tasks:
            example["sentiment"] = labels.sentiments[0] if labels.sentiments else "neutral"
        if "segmentation" in tasks:
            token: dict[str, Any] = {"start": 0, "end": 2}
            if labels.pos_tags:
                token["pos"] = labels.pos_tags[0]
            example["tokens"] = [token]
        return w["form"].format(text=json.dumps(example, ensure_ascii=False))

    def task_content(self, path: Path) -> dict[str, Any]:
        """What a script judges (``datamill work next --json``, key ``content``): the item's
        whole text, ``{"type": "text_item", "schema_version": 1, "text": ...}`` (span offsets
        are code-point indices into it)."""
        text, _ = read_text(path)
        return {"type": "text_item", "schema_version": 1, "text": text}

    def text_excerpts(
        self, docs: Mapping[int, tuple[Mapping[str, Any], Sequence[tuple[int, int]]]],
        read: Callable[[Sequence[tuple[int, int, int]]], Sequence[bytes | None]],
    ) -> dict[int, TextExcerpts | None]:
        """Long documents' words at their ranges (``docs``: item id → attributes and
        code-point ranges), read by byte range through each one's ``byte_index``
        (:mod:`.excerpts`; ``read`` reads ``(item id, first byte, end byte)`` ranges in one
        call), for pages that slice their texts. None for a document with no index (imported
        before it was kept) or whose file is not the one indexed."""
        from datamill.modalities.text.excerpts import read_excerpts

        indexed = {k: (index, int(attributes.get("chars") or 0),
                       int(attributes.get("bytes") or 0), ranges)
                   for k, (attributes, ranges) in docs.items()
                   if isinstance(index := attributes.get("byte_index"), list) and index}
        return {k: None for k in docs} | read_excerpts(indexed, read)

    def indexed_attributes(self, attributes: Mapping[str, Any],
                           text: str) -> dict[str, Any] | None:
        """A long document's attributes with the ``byte_index`` it was imported without
        (before the index was kept), made from its whole text once a page had to read it
        (:meth:`text_excerpts` gave None): the next page reads its spans by byte range. None
        when it needs none (short, or indexed) or the text is not the one described (its code
        points or UTF-8 bytes differ from ``chars`` and ``bytes``: an index of another text
        would read wrong words)."""
        from datamill.modalities.text.excerpts import byte_index

        if (isinstance(attributes.get("text"), str) or attributes.get("byte_index")
                or len(text) <= TEXT_IN_ATTRIBUTES_MAX):
            return None
        bom = bool(attributes.get("bom"))
        if (attributes.get("chars") != len(text)
                or attributes.get("bytes") != len(text.encode("utf-8")) + 3 * bom):
            return None
        return {**attributes, "byte_index": byte_index(text, bom)}

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return int(attributes.get("chars") or 0)

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        text = attributes.get("text") or ""
        return {"chars": attributes.get("chars"), "preview": text[:80]}

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        """Encoding, normalisation, control characters, emoji, length, language and personal
        data (duplicates are :meth:`collection_checks`)."""
        from datamill.modalities.text.checks import run_text_checks

        return run_text_checks(path.read_bytes(), path.name, _req(requirements).text)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        """Language identification loads lingua's models once per process (seconds); a pool
        only pays for big batches."""
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
        """``duplicate`` and ``near_duplicate`` of each checked item against the project's
        accepted items and the checked items before it (MinHash LSH state of this run)."""
        from datamill.modalities.text.checks import DuplicateIndex
        from datamill.modalities.text.errors import TextDecodeError

        req = _req(requirements).text
        index = DuplicateIndex(req.near_duplicate_jaccard, req.near_duplicate_ngram)
        for ext, path in accepted:
            try:
                index.add(ext, read_text(path)[0])
            except (OSError, TextDecodeError):
                continue
        out: dict[str, list[CheckOutcome]] = {}
        for ext, path in checked:
            try:
                out[ext] = index.add(ext, read_text(path)[0])
            except (OSError, TextDecodeError):
                continue  # the encoding check already fails it
        return out

    # -- annotation
    def validation_attributes(
        self, attributes: Mapping[str, Any], read: Callable[[], Path]
    ) -> Mapping[str, Any]:
        """The attributes an annotation is validated against: a long document's (its text only
        in its file, see :data:`TEXT_IN_ATTRIBUTES_MAX`) with its text, so that its spans'
        words and character boundaries are checked as a short text's are."""
        if isinstance(attributes.get("text"), str) or not attributes.get("chars"):
            return attributes
        return {**attributes, "text": read_text(read())[0]}

    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> AnnotationDoc:
        labels = _req(requirements).labels
        ann = schema_spelling(parse_annotation(payload), labels)  # ‹新闻> is <新闻>
        if "multi_label" in labels.tasks:
            ann = ann.model_copy(update={"offered": labels.classes})
        elif ann.offered:
            ann = ann.model_copy(update={"offered": ()})
        text = attributes.get("text")
        problems = annotation_problems(ann, labels, text, int(attributes.get("chars") or 0))
        if problems:  # each with its code and values: a face words it in its reader's language
            raise coded_refusal(problems)
        return AnnotationDoc(ann.model_dump(mode="json"), _flat(ann, text))

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        if not isinstance(prediction, TextAnnotation):
            raise InvalidInput(
                f"this pre-annotator does not label text (it returned {type(prediction).__name__})"
            )
        models = {s.attributes.get(PREANNOTATION_ATTRIBUTE, {}).get("model")
                  for s in prediction.spans} - {None}
        model = "+".join(sorted(models)) or None  # every model that proposed a span
        return AnnotationDoc(prediction.model_dump(mode="json"), _flat(prediction, None), model)

    def labels_proposed(self, payload: Any) -> int:
        """The labels a pre-annotation proposes: its spans and its tokens (none for an
        English text's entities under jieba, which finds Chinese names)."""
        if not isinstance(payload, dict):
            return 0
        return len(payload.get("spans") or []) + len(payload.get("tokens") or [])

    # -- aggregation (AGG_CONTRACT)
    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return aggregate.aggregation_units(payload)

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return []  # text tasks have no pairwise preferences

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        return aggregate.merge_aggregate(payloads, decided)

    def region_units(self, payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
        """Spans as questions, grouped across annotators (see :func:`aggregate.span_units`)."""
        return aggregate.span_units(payloads)

    def question_place(self, key: str) -> dict[str, Any]:
        """A split span's ``start``/``end``, a split relation's ``head``/``tail``."""
        return span_place(key) or relation_place(key)

    # -- quality
    def compare(self, before: Any, after: Any) -> dict[str, Any]:
        """Spans added, removed or relabelled, classes and sentiment (see :mod:`.compare`)."""
        from datamill.modalities.text.compare import compare_text

        return compare_text(before, after)

    def inspection_text(self, payload: Any, text: str) -> str:
        return _canonical(parse_annotation(payload or {}))

    #: an inspector's correction is an annotation document, held to the spec like a submission
    corrections_are_annotations: ClassVar[bool] = True

    def normalize_correction(self, corrected: str) -> str:
        return _canonical(_from_text(corrected))

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]:
        from datamill.modalities.text.metric import score_annotations

        return score_annotations([_from_text(t) for t in reference],
                                 [_from_text(t) for t in hypothesis]).as_dict()

    def unmeasurable_metrics_for(self, requirements: BaseModel | Mapping[str, Any]) -> dict[str, str]:
        """The metrics no annotation of the project's tasks (``requirements.labels.tasks``) can
        give anything to measure: ``span_f1`` without ``ner``, ``token_accuracy`` without
        ``segmentation``, ``label_accuracy`` without a classification or ``sentiment`` task.
        Given a mapping, reads its ``labels`` alone (the other requirements may be incomplete)."""
        labels = (_req(requirements).labels if isinstance(requirements, BaseModel)
                  else TextLabelSchema.model_validate(requirements.get("labels")))
        tasks = set(labels.tasks)
        need = {"span_f1": ({"ner"}, "ner"), "token_accuracy": ({"segmentation"}, "segmentation"),
                "label_accuracy": ({"classification", "multi_label", "sentiment"},
                                   "classification, multi_label or sentiment")}
        return {metric: f"requirements.labels.tasks has no {task} task, so there is nothing"
                        " to measure" for metric, (kinds, task) in need.items() if not tasks & kinds}

    def unmeasured_metrics(self, reference: Sequence[str], hypothesis: Sequence[str]
                           ) -> frozenset[str]:
        """The metrics of :meth:`score` with nothing to measure here (an NER-only project has
        no words or classes): an inspection shows them as not measured."""
        from datamill.modalities.text.metric import unmeasured_metrics

        return unmeasured_metrics([_from_text(t) for t in reference],
                                  [_from_text(t) for t in hypothesis])

    def is_defective(self, reference: str, hypothesis: str) -> bool:
        """A text is a defect when any span, word, class, sentiment or relation differs."""
        ref, hyp = _from_text(reference), _from_text(hypothesis)

        def key(a: TextAnnotation) -> tuple[object, ...]:
            where = {s.id: (s.start, s.end) for s in a.spans if s.id}
            return ({(s.start, s.end, s.label) for s in a.spans},
                    {(t.start, t.end, t.pos) for t in a.tokens}, set(a.classes), a.sentiment,
                    {(where.get(r.head), where.get(r.tail), r.label) for r in a.relations},
                    a.attributes)

        return key(ref) != key(hyp)

    # -- delivery
    def exporter_names(self) -> list[str]:
        return list(_EXPORTERS)

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        from datamill.modalities.registry import exporters

        if name not in _EXPORTERS:
            raise InvalidInput(f"not a text format: {name!r}; available: {', '.join(_EXPORTERS)}")
        made: Exporter[Any] = exporters.get(name)()
        return made

    def export_item(self, item: ItemRecord, payload: Any) -> TextExportItem:
        text = item.attributes.get("text")
        if text is None:
            text = read_text(item.readable)[0]
        return TextExportItem(id=_BAD_ID.sub("_", item.external_id), text=text,
                              sha256=item.sha256, language=item.language,
                              annotation=parse_annotation(payload or {}))

    def statistics(self) -> TextStatistics:
        return TextStatistics()

    def effect_evaluator(
        self, requirements: Mapping[str, Any], language: str
    ) -> TextEffectEvaluator:
        """Application-effect verification: a classifier trained and cross-validated on the
        sample's classes or sentiments (:mod:`.effect`)."""
        from datamill.modalities.text.effect import TextEffectEvaluator

        return TextEffectEvaluator(requirements)


class TextStatistics:
    """Items, characters, spans per label, classes, sentiments, words."""

    def __init__(self) -> None:
        self.items = self.chars = self.words = 0
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in
                                                ("labels", "classes", "sentiments", "relations")}

    def add(self, item: ItemRecord, payload: Any) -> None:
        ann = parse_annotation(payload or {})
        self.items += 1
        self.chars += int(item.attributes.get("chars") or 0)
        if ann.tokens:
            self.words += len(ann.tokens)
        else:  # no segmentation annotated: the text's tokens (0 before, whatever the text)
            text = item.attributes.get("text")
            self.words += len(tokenize(text if isinstance(text, str)
                                       else read_text(item.readable)[0]))
        self.counts["labels"].update(s.label for s in ann.spans)
        self.counts["classes"].update(ann.classes)
        self.counts["sentiments"].update([ann.sentiment] if ann.sentiment else [])
        self.counts["relations"].update(r.label for r in ann.relations)

    def result(self) -> dict[str, Any]:
        c = self.counts
        return {
            "texts": self.items, "characters": self.chars, "words": self.words,
            "entities": sum(c["labels"].values()), "labels": dict(c["labels"]),
            "classes": dict(c["classes"]), "sentiments": dict(c["sentiments"]),
            "relations": dict(c["relations"]),
            "units": {"characters": "Unicode code points", "labels": "entity spans per label",
                      "words": "segmentation words where annotated, else tokens (a run of "
                               "letters or digits, or one CJK character)"},
        }
