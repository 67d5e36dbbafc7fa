"""Text items, the label schema, annotations (pydantic) and the annotation validator.

**Offsets are Python ``str`` indices: Unicode code points, half-open ``[start, end)``**, into the
item's text as stored (UTF-8 without BOM). They are not UTF-16 units (what JavaScript's
``String.length`` counts) nor bytes: "😀" is one code point. A span whose ``text`` is given must
equal ``text[start:end]``, so a client that counted UTF-16 units is caught. A span boundary
between a UTF-16 high and low surrogate (text that holds surrogate code points) is refused, and
so is one inside a user-perceived character (a grapheme cluster, kept whole by the exports'
tokenizer): between a letter and its combining accent, between the two regional indicators of
a flag such as "🇨🇳", inside an emoji ZWJ sequence such as "👨‍👩‍👧", before a skin-tone
modifier, inside a Hangul syllable written in jamo, an Indic conjunct such as "क्ष" or a CR LF
line break (Unicode's extended grapheme clusters, see
:func:`datamill.modalities.text.textio.inside_grapheme`).

A :class:`TextAnnotation` holds whatever the project's tasks need (``labels.tasks``):

* ``classification`` (``classes``, one) or ``multi_label`` (``classes``, any number);
* ``ner`` (``spans``; overlapping spans refused unless ``labels.allow_nested``);
* ``segmentation`` (``tokens``: consecutive words covering the non-space text, each with an
  optional ``pos`` tag from ``labels.pos_tags``);
* ``sentiment`` (``sentiment``, one of ``labels.sentiments``);
* ``relations`` (``relations`` between span ids, labels from ``labels.relation_labels``);
* free-text ``attributes`` named by ``labels.attribute_names`` (any task).

For multi-label classification the validator records the choices the annotator was offered
(``offered``: the schema's classes), so each class is a yes/no answer on its own (aggregation).

Each span's ``attributes`` may hold the reserved key :data:`PREANNOTATION_ATTRIBUTE`
(``{"model": ...}``), written by pre-annotators. Serialised annotations carry ``type`` and
``schema_version``.
"""

from __future__ import annotations

import itertools
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from datamill.core.lookalike import fold, fold_label
from datamill.modalities.text.textio import inside_grapheme

__all__ = [
    "PREANNOTATION_ATTRIBUTE",
    "TEXT_IN_ATTRIBUTES_MAX",
    "Relation",
    "Span",
    "TextAnnotation",
    "TextChecksRequirements",
    "TextItemAttributes",
    "TextLabelSchema",
    "TextRequirements",
    "Token",
    "annotation_problems",
    "label_spelling",
    "schema_spelling",
    "validate_annotation",
]

PREANNOTATION_ATTRIBUTE: Final = "preannotation"
TaskKind = Literal["classification", "multi_label", "ner", "segmentation", "sentiment",
                   "relations"]
_FROZEN = ConfigDict(extra="forbid", frozen=True)


TEXT_IN_ATTRIBUTES_MAX: Final = 20_000
"""Texts up to this many code points are kept in the item attributes too (the workbench and the
annotation validator read them there); longer documents only by their file."""


class TextItemAttributes(BaseModel):
    """What the loop stores about one text item: ``chars`` (code points, the volume),
    ``lines``, ``bytes`` of the UTF-8 file, whether it had a BOM, and the ``text`` itself when
    it has at most :data:`TEXT_IN_ATTRIBUTES_MAX` code points; a longer document's
    ``byte_index`` instead (:func:`~.excerpts.byte_index`: where every 4,096th code point
    starts in the file, so that a page reads its spans' words by byte range)."""

    model_config = _FROZEN

    chars: int = Field(ge=0)
    lines: int = Field(ge=0)
    bytes: int = Field(ge=0)
    bom: bool = False
    text: str | None = None
    byte_index: list[int] | None = None


class TextChecksRequirements(BaseModel):
    """Check thresholds (all required: project settings with no defaults, except options).

    Attributes:
        min_chars / max_chars: Length bounds in code points.
        languages: Language codes the text must be in (ISO 639-1: ``zh``, ``en`` ...).
        min_language_confidence: Lingua's confidence in the detected language, 0..1.
        max_control_chars: Control characters (not newline/tab) and bidi overrides allowed.
        require_normalized: Refuse text that NFKC/width normalisation would change.
        allow_emoji: False refuses text with emoji (``prepare_text_source`` can remove them).
        pii: ``flag`` records personal data found (the check passes), ``reject`` refuses it.
        near_duplicate_jaccard: MinHash Jaccard at which two texts are near-duplicates.
        near_duplicate_ngram: Character n-gram size of the MinHash shingles.
    """

    model_config = _FROZEN

    min_chars: int = Field(ge=0)
    max_chars: int = Field(gt=0)
    languages: tuple[str, ...] = Field(min_length=1)
    min_language_confidence: float = Field(ge=0, le=1)
    max_control_chars: int = Field(ge=0)
    require_normalized: bool = True
    allow_emoji: bool = True
    pii: Literal["flag", "reject"] = "flag"
    near_duplicate_jaccard: float = Field(gt=0, le=1)
    near_duplicate_ngram: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _bounds(self) -> TextChecksRequirements:
        if self.min_chars > self.max_chars:
            raise ValueError("min_chars is greater than max_chars")
        return self


class TextLabelSchema(BaseModel):
    """The project's tasks and label sets (see the module docstring)."""

    model_config = _FROZEN

    tasks: tuple[TaskKind, ...] = Field(min_length=1)
    classes: tuple[str, ...] = ()
    entity_labels: tuple[str, ...] = ()
    allow_nested: bool = False
    pos_tags: tuple[str, ...] | None = None
    sentiments: tuple[str, ...] = ("negative", "neutral", "positive")
    relation_labels: tuple[str, ...] = ()
    attribute_names: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _labels_for_tasks(self) -> TextLabelSchema:
        needs = {"classification": self.classes, "multi_label": self.classes,
                 "ner": self.entity_labels, "relations": self.relation_labels}
        missing = [t for t in self.tasks if t in needs and not needs[t]]
        if missing:
            raise ValueError(f"tasks {', '.join(missing)} need their label lists")
        if {"classification", "multi_label"} <= set(self.tasks):
            raise ValueError("classification and multi_label exclude each other")
        if "relations" in self.tasks and "ner" not in self.tasks:
            raise ValueError("relations need the ner task (they link spans)")
        return self


class TextRequirements(BaseModel):
    """A text project's ``requirements``: check thresholds, the label schema and an optional
    gazetteer (label -> phrases) for the pre-annotators. Whether a corpus line or a whole
    document is one item is decided when the corpus is prepared (``datamill text prepare
    --unit``)."""

    model_config = _FROZEN

    text: TextChecksRequirements
    labels: TextLabelSchema
    gazetteer: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class Span(BaseModel):
    """``text[start:end]`` (code points) is an entity of ``label``."""

    model_config = _FROZEN

    start: int = Field(ge=0)
    end: int = Field(gt=0)
    label: str = Field(min_length=1, max_length=100)
    id: str | None = Field(default=None, min_length=1, max_length=64)
    text: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _order(self) -> Span:
        if self.end <= self.start:  # coded, so that a face words it (parse_problems)
            raise PydanticCustomError("span_order", "span end {end} is not after its start"
                                      " {start}", {"start": self.start, "end": self.end})
        return self


class Token(BaseModel):
    """One word of a segmentation, with an optional part-of-speech tag."""

    model_config = _FROZEN

    start: int = Field(ge=0)
    end: int = Field(gt=0)
    pos: str | None = Field(default=None, max_length=32)


class Relation(BaseModel):
    """A directed relation ``head -> tail`` between two spans (their ids)."""

    model_config = _FROZEN

    head: str
    tail: str
    label: str = Field(min_length=1, max_length=100)


class TextAnnotation(BaseModel):
    """One item's annotation (see the module docstring)."""

    model_config = _FROZEN

    type: Literal["text_annotation"] = "text_annotation"
    schema_version: Literal[1] = 1
    classes: tuple[str, ...] = ()
    offered: tuple[str, ...] = ()
    sentiment: str | None = None
    spans: tuple[Span, ...] = ()
    tokens: tuple[Token, ...] = ()
    relations: tuple[Relation, ...] = ()
    attributes: dict[str, str] = Field(default_factory=dict)


def label_spelling(value: str, allowed: tuple[str, ...]) -> str:
    """``value`` as the schema spells it when it is one of ``allowed`` typed with look-alike
    letters (``‹新闻>`` or full-width ``＜新闻＞`` for ``<新闻>``, Cyrillic ``РЕR`` or ``per``
    for ``PER``: :func:`datamill.core.lookalike.fold`) and only one; else ``value`` unchanged
    (an unknown label stays unknown).

    >>> label_spelling("\u2039新闻>", ("<新闻>", "<人名>")), label_spelling("per", ("PER", "LOC"))
    ('<新闻>', 'PER')
    """
    if value in allowed:
        return value
    same = [a for a in allowed if fold(a) == fold(value)]
    if len(same) > 1:  # two labels differing in case only: the one of the same case
        same = [a for a in same if fold_label(a) == fold_label(value)]
    return same[0] if len(same) == 1 else value


def schema_spelling(ann: TextAnnotation, labels: TextLabelSchema) -> TextAnnotation:
    """``ann`` with every label, class, sentiment, relation label and POS tag typed with
    look-alike letters spelt as the schema spells it (:func:`label_spelling`), so that what is
    stored, scored and delivered compares equal to the same label picked from the list."""
    spans = tuple(s if s.label in labels.entity_labels else
                  s.model_copy(update={"label": label_spelling(s.label, labels.entity_labels)})
                  for s in ann.spans)
    relations = tuple(
        r if r.label in labels.relation_labels else
        r.model_copy(update={"label": label_spelling(r.label, labels.relation_labels)})
        for r in ann.relations)
    tags = labels.pos_tags or ()
    tokens = tuple(t if t.pos is None or t.pos in tags else
                   t.model_copy(update={"pos": label_spelling(t.pos, tags)}) for t in ann.tokens)
    sentiment = (None if ann.sentiment is None
                 else label_spelling(ann.sentiment, labels.sentiments))
    classes = tuple(label_spelling(c, labels.classes) for c in ann.classes)
    return ann.model_copy(update={"spans": spans, "relations": relations, "tokens": tokens,
                                  "sentiment": sentiment, "classes": classes})


def _splits_surrogate(text: str, i: int) -> bool:
    return 0 < i < len(text) and "\ud800" <= text[i - 1] <= "\udbff" and \
        "\udc00" <= text[i] <= "\udfff"


def _cluster_at(text: str, offset: int) -> str:
    """The user-perceived character around ``offset`` (which lies inside it)."""
    start, end = offset - 1, offset + 1
    while start > 0 and inside_grapheme(text, start):
        start -= 1
    while end < len(text) and inside_grapheme(text, end):
        end += 1
    return text[start:end]


def _problem(code: str, message: str, **params: Any) -> dict[str, Any]:
    """One problem: a stable ``code``, the English ``message`` and the values a face needs to
    word it in another language (``spans[3]`` is ``field`` and ``number`` 4)."""
    return {"code": code, "message": message, **params}


def _span_problems(  # noqa: C901 - one message per rule
    ann: TextAnnotation, labels: TextLabelSchema, text: str | None, length: int
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    ids: set[str] = set()
    for n, s in enumerate(ann.spans):
        where = f"spans[{n}]"
        at_span = {"field": where, "number": n + 1, "start": s.start, "end": s.end}
        if s.label not in labels.entity_labels:
            problems.append(_problem(
                "unknown_label", f"{where}.label: unknown label {s.label!r} (the schema has"
                f" {', '.join(labels.entity_labels)})", **at_span, label=s.label,
                allowed=", ".join(labels.entity_labels)))
        if s.end > length:
            problems.append(_problem(
                "span_outside", f"{where}: [{s.start}, {s.end}) lies outside the text"
                f" ({length} characters)", **at_span, length=length))
            continue
        if text is None:
            pass
        elif _splits_surrogate(text, s.start) or _splits_surrogate(text, s.end):
            problems.append(_problem(
                "splits_surrogate", f"{where}: [{s.start}, {s.end}) splits a surrogate pair",
                **at_span))
        else:
            problems += [
                _problem(
                    f"{side}_splits_character",
                    f"{where}: [{s.start}, {s.end}): its {side} offset {at} splits the character"
                    f" {_cluster_at(text, at)!r} (a letter with its accent, a flag, an emoji"
                    " sequence, a Hangul syllable, an Indic conjunct or a CR LF line break); move"
                    " the boundary before or after it", **at_span, offset=at,
                    character=_cluster_at(text, at))
                for side, at in (("start", s.start), ("end", s.end))
                if inside_grapheme(text, at)
            ]
        if text is not None and s.text is not None and text[s.start:s.end] != s.text:
            problems.append(_problem(
                "span_text_mismatch", f"{where}.text {s.text!r} is not the text at [{s.start},"
                f" {s.end}) ({text[s.start:s.end]!r}); offsets are code points (Python str"
                " indices), not UTF-16 units or bytes", **at_span, given=s.text,
                actual=text[s.start:s.end]))
        if s.id is not None:
            if s.id in ids:
                problems.append(_problem("span_id_twice", f"{where}.id {s.id!r} is used twice",
                                         **at_span, id=s.id))
            ids.add(s.id)
    seen: dict[tuple[int, int, str], int] = {}
    for i, s in enumerate(ann.spans):  # nested or not, the same span twice is one span
        first = seen.setdefault((s.start, s.end, s.label), i)
        if first != i:
            problems.append(_problem(
                "span_repeated", f"spans[{i}] repeats spans[{first}] ([{s.start}, {s.end})"
                f" {s.label}); remove one", field=f"spans[{i}]", number=i + 1, other=first + 1,
                start=s.start, end=s.end, label=s.label))
    if not labels.allow_nested:
        ordered = sorted(enumerate(ann.spans), key=lambda p: (p[1].start, p[1].end))
        for (i, a), (j, b) in itertools.pairwise(ordered):
            if b.start < a.end:
                problems.append(_problem(
                    "spans_overlap", f"spans[{i}] and spans[{j}] overlap; this project does not"
                    " allow nested spans", field=f"spans[{i}]", number=i + 1, other=j + 1))
    for n, r in enumerate(ann.relations):
        where = f"relations[{n}]"
        if r.label not in labels.relation_labels:
            problems.append(_problem("unknown_relation_label",
                                     f"{where}.label: unknown label {r.label!r}",
                                     field=where, number=n + 1, label=r.label))
        for end in ("head", "tail"):
            if getattr(r, end) not in ids:
                problems.append(_problem(
                    "relation_without_span", f"{where}.{end}: no span with id"
                    f" {getattr(r, end)!r}", field=where, number=n + 1, id=getattr(r, end)))
    return problems


def _token_problems(
    ann: TextAnnotation, labels: TextLabelSchema, text: str | None, length: int
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    prev = 0
    for n, t in enumerate(ann.tokens):
        where = {"field": f"tokens[{n}]", "number": n + 1, "start": t.start, "end": t.end}
        if t.end <= t.start or t.end > length:
            problems.append(_problem("token_outside", f"tokens[{n}]: [{t.start}, {t.end}) is"
                                     " empty or outside the text", **where))
            continue
        if t.start < prev:
            problems.append(_problem("token_order", f"tokens[{n}] starts before the previous"
                                     " token ends", **where))
        elif text is not None and text[prev:t.start].strip():
            problems.append(_problem("token_gap", f"tokens[{n}]: the text before it"
                                     f" ({text[prev:t.start]!r}) is in no token", **where,
                                     gap=text[prev:t.start]))
        prev = t.end
        if labels.pos_tags is not None and t.pos is not None and t.pos not in labels.pos_tags:
            problems.append(_problem("unknown_pos", f"tokens[{n}].pos: unknown tag {t.pos!r}",
                                     **where, tag=t.pos))
    if ann.tokens and text is not None and text[prev:].strip():
        problems.append(_problem("token_tail", "the text after the last token is in no token"))
    return problems


def annotation_problems(  # noqa: C901 - one rule a line
    ann: TextAnnotation, labels: TextLabelSchema, text: str | None, length: int | None = None
) -> list[dict[str, Any]]:
    """Every problem of ``ann`` against the label schema and the item's ``text`` (empty when
    valid), each a ``code``, its English ``message`` and the values that word it (``field``,
    ``number``, offsets ...), so a face can show it in its reader's language. Without the text
    (a long document) only ``length`` bounds the offsets."""
    length = len(text) if text is not None else int(length or 0)
    tasks = set(labels.tasks)
    problems: list[dict[str, Any]] = []
    used = {"classification": bool(ann.classes), "ner": bool(ann.spans),
            "segmentation": bool(ann.tokens), "sentiment": ann.sentiment is not None,
            "relations": bool(ann.relations)}
    allowed = {"classification": bool(tasks & {"classification", "multi_label"})}
    for part, present in used.items():
        if present and not allowed.get(part, part in tasks):
            problems.append(_problem("not_a_task", f"{part}: not a task of this project"
                                     f" ({', '.join(labels.tasks)})", field=part,
                                     tasks=", ".join(labels.tasks)))
    if tasks & {"classification", "multi_label"} and not ann.classes:
        problems.append(_problem("classes_required", "classes: required, but no class is chosen",
                                 field="classes"))
    if "sentiment" in tasks and ann.sentiment is None:
        problems.append(_problem("sentiment_required", "sentiment: required, but none is chosen",
                                 field="sentiment"))
    if "classification" in tasks and len(ann.classes) > 1:
        problems.append(_problem("one_class", f"classes: single-label classification takes one"
                                 f" class, got {len(ann.classes)}", field="classes",
                                 count=len(ann.classes)))
    if len(set(ann.classes)) != len(ann.classes):
        problems.append(_problem("class_twice", "classes: a class is given twice",
                                 field="classes"))
    problems += [_problem("unknown_class", f"classes: unknown class {c!r}", field="classes",
                          value=c) for c in ann.classes if c not in labels.classes]
    if ann.sentiment is not None and ann.sentiment not in labels.sentiments:
        problems.append(_problem("unknown_sentiment", f"sentiment: unknown value"
                                 f" {ann.sentiment!r} (one of {', '.join(labels.sentiments)})",
                                 field="sentiment", value=ann.sentiment,
                                 allowed=", ".join(labels.sentiments)))
    problems += [_problem("unknown_attribute", f"attributes.{k}: not an attribute of this"
                          " project", field=f"attributes.{k}", name=k)
                 for k in ann.attributes if k not in labels.attribute_names]
    problems += _span_problems(ann, labels, text, length)
    problems += _token_problems(ann, labels, text, length)
    return problems


def validate_annotation(
    ann: TextAnnotation, labels: TextLabelSchema, text: str | None, length: int | None = None
) -> list[str]:
    """Every problem of ``ann`` against the label schema and the item's ``text`` (empty when
    valid), in English (:func:`annotation_problems` gives each its code). Without the text (a
    long document) only ``length`` bounds the offsets."""
    return [p["message"] for p in annotation_problems(ann, labels, text, length)]
