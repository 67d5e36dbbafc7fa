"""Normalising a labelled text while its labels keep covering the same words.

A labelled source (``text_jsonl`` rows: ``id``, ``text``, ``annotation``) written in NFD
(``e`` + U+0301, Hangul in conjoining jamo) or with full-width letters fails a text project's
``normalized`` check, and normalising its text alone would leave every span after the first
changed character on other words. :func:`normalize_annotated` normalises the text as
``text prepare --normalize`` does (:func:`~datamill.modalities.text.textio.normalize_text`:
NFKC composition, width) piece by piece between the annotation's offsets (span and token
starts and ends), so each offset moves to where its piece now begins: every span covers the
normalised form of the words it covered, and a span's ``text``, where given, is rewritten to
them.

Normalisation is not always local: where it joins the characters on both sides of an
offset (an offset inside a user-perceived character, which the validator refuses anyway), the
pieces normalised one by one differ from the whole text normalised, and the row is refused
(:class:`OffsetsNotKept`) naming the offset rather than moved onto other words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datamill.modalities.text.schema import TextAnnotation
from datamill.modalities.text.textio import normalize_text

__all__ = ["DERIVED_COLUMNS", "NormalizedRow", "OffsetsNotKept", "normalize_annotated", "normalize_row"]


class OffsetsNotKept(ValueError):
    """The text cannot be normalised with the annotation's offsets kept on the same words:
    ``offset`` is the first offset that normalisation would move into a character (or that
    lies outside the text)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class NormalizedRow:
    """The normalised text, the annotation with its offsets moved, and whether anything
    changed."""

    text: str
    annotation: TextAnnotation
    changed: bool


def _offsets(ann: TextAnnotation) -> set[int]:
    return {o for s in ann.spans for o in (s.start, s.end)} | \
        {o for t in ann.tokens for o in (t.start, t.end)}


def _not_kept(text: str, whole: str, joined: str, cuts: list[int]) -> OffsetsNotKept:
    """The refusal naming the offset where the pieces part from the whole text's form: the
    offset nearest to the first character they differ at (normalisation joined the characters
    on both sides of it)."""
    differ = next((i for i, (a, b) in enumerate(zip(joined, whole, strict=False)) if a != b),
                  min(len(joined), len(whole)))
    inner = [c for c in cuts if 0 < c < len(text)] or cuts
    moved_to = {c: len(normalize_text(text[:c])) for c in inner}
    at = min(inner, key=lambda c: abs(moved_to[c] - differ))
    return OffsetsNotKept(
        f"normalising joins the characters on both sides of offset {at}"
        f" ({text[max(at - 1, 0):at + 1]!r}): an offset there splits one character; move it"
        " before or after that character", at)


def normalize_annotated(
    text: str, ann: TextAnnotation, *, fullwidth_punctuation: bool = True
) -> NormalizedRow:
    """``text`` normalised (see the module docstring) and ``ann`` with every span and token
    offset moved onto the same words; :class:`OffsetsNotKept` when that cannot be done."""
    whole = normalize_text(text, fullwidth_punctuation=fullwidth_punctuation)
    if whole == text:
        return NormalizedRow(text, ann, changed=False)
    cuts = sorted(_offsets(ann) | {0, len(text)})
    if cuts[-1] > len(text):
        raise OffsetsNotKept(f"offset {cuts[-1]} lies outside the text ({len(text)}"
                             " characters)", cuts[-1])
    moved: dict[int, int] = {0: 0}
    pieces: list[str] = []
    at = at_old = 0
    for right in cuts[1:]:
        piece = normalize_text(text[at_old:right], fullwidth_punctuation=fullwidth_punctuation)
        pieces.append(piece)
        at += len(piece)
        moved[right], at_old = at, right
        if not whole.startswith(piece, at - len(piece)):  # joined across a cut
            raise _not_kept(text, whole, "".join(pieces), cuts)
    if "".join(pieces) != whole:
        raise _not_kept(text, whole, "".join(pieces), cuts)

    def span(s: Any) -> dict[str, Any]:
        start, end = moved[s.start], moved[s.end]
        given = None if s.text is None else whole[start:end]
        return {**s.model_dump(), "start": start, "end": end, "text": given}

    def token(t: Any) -> dict[str, Any]:
        return {**t.model_dump(), "start": moved[t.start], "end": moved[t.end]}

    for s in ann.spans:
        if moved[s.end] <= moved[s.start]:
            raise OffsetsNotKept(f"span [{s.start}, {s.end}) would be empty after"
                                 " normalisation", s.start)
    out = TextAnnotation.model_validate({
        **ann.model_dump(), "spans": [span(s) for s in ann.spans],
        "tokens": [token(t) for t in ann.tokens],
    })
    return NormalizedRow(whole, out, changed=True)


#: a ``text_jsonl`` delivery row's columns derived from its annotation: stale once the text is
#: normalised (the importer reads ``annotation`` alone), so a prepared row leaves them out
DERIVED_COLUMNS = frozenset({"spans", "relations", "tokens", "ner_tags", "pos_tags", "classes",
                             "sentiment"})


def normalize_row(row: dict[str, Any], *, fullwidth_punctuation: bool = True
                  ) -> tuple[dict[str, Any], bool]:
    """A labelled row (``id``, ``text``, ``annotation`` as an object or a JSON string)
    normalised with :func:`normalize_annotated`: the row to write (its other columns kept, the
    derived ones left out) and whether it changed. ``KeyError``/``TypeError``/``ValueError``
    (pydantic's and :class:`OffsetsNotKept` among them) for a row that is not one."""
    import json

    if row.get("id") in (None, ""):
        raise KeyError("id")
    from datamill.modalities.text.importers.text_jsonl import row_annotation

    ann = row_annotation(row)  # its annotation, or its top-level spans
    parsed = TextAnnotation.model_validate(json.loads(ann) if isinstance(ann, str) else ann)
    text = row["text"]
    if not isinstance(text, str):
        raise TypeError("the text is not a string")
    got = normalize_annotated(text, parsed, fullwidth_punctuation=fullwidth_punctuation)
    kept = {k: v for k, v in row.items() if k not in DERIVED_COLUMNS}
    return {**kept, "text": got.text,
            "annotation": got.annotation.model_dump(mode="json", exclude_none=False)}, got.changed
