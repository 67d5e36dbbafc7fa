"""Text pre-annotators: jieba (Chinese words, POS and entity candidates) and a gazetteer.

* :class:`JiebaPreannotator` (``jieba``): ``jieba.posseg`` segments Chinese into words with
  ICTCLAS-style POS tags using the dictionary inside the jieba package (nothing is downloaded);
  words tagged ``nr``/``nrfg``/``nrt`` become ``PER`` candidates, ``ns`` ``LOC`` and ``nt``
  ``ORG``. Gazetteer matches (below), when the project has a gazetteer, take precedence.
* :class:`GazetteerPreannotator` (``gazetteer``): exact phrase matches from the spec's
  ``requirements.gazetteer`` (label -> phrases), any language; longest match first, whole
  words only for alphabetic phrases (a word boundary is any character that is not a letter or
  digit of a spaced script: "Google" matches in "在Google工作", never in "Googles").

Each proposed span records its model in ``attributes.preannotation.model``. Both take the
project's requirements through ``configure(requirements)`` (the pre-annotation runner calls it),
and then propose only what the project's tasks and labels admit.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Final

from datamill.modalities.base import ItemRecord
from datamill.modalities.text.schema import (
    PREANNOTATION_ATTRIBUTE,
    Span,
    TextAnnotation,
    TextRequirements,
    Token,
)
from datamill.modalities.text.textio import inside_grapheme, read_text

__all__ = ["JIEBA_ENTITY_TAGS", "GazetteerPreannotator", "JiebaPreannotator", "gazetteer_spans"]

JIEBA_ENTITY_TAGS: Final = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG"}
_jieba_lock = threading.Lock()


def _mark(model: str) -> dict[str, Any]:
    return {PREANNOTATION_ATTRIBUTE: {"model": model}}


def _joins_word(char: str) -> bool:
    """Whether ``char`` beside an alphabetic phrase makes it part of a longer word: a letter,
    digit or underscore of a spaced script. Chinese/Japanese characters (wide) never do, so an
    English name written into Chinese without spaces still matches."""
    return (char.isalnum() or char == "_") and unicodedata.east_asian_width(char) not in "WF"


def gazetteer_spans(text: str, gazetteer: dict[str, tuple[str, ...]]) -> list[Span]:
    """Non-overlapping gazetteer matches, longest phrase first."""
    phrases = sorted(((p, label) for label, ps in gazetteer.items() for p in ps if p),
                     key=lambda pl: -len(pl[0]))
    taken: list[Span] = []
    # which characters a match already took: each match was compared with every match before
    # (a 64,000-character text with 12,000 matches took 26 s, a 1,000,000-character one hours)
    occupied = bytearray(len(text))
    for phrase, label in phrases:
        word = phrase[0].isascii() and phrase[0].isalnum()
        for m in re.finditer(re.escape(phrase), text):
            if word and ((m.start() > 0 and _joins_word(text[m.start() - 1]))
                         or (m.end() < len(text) and _joins_word(text[m.end()]))):
                continue
            if inside_grapheme(text, m.start()) or inside_grapheme(text, m.end()):
                continue  # "Rene" in a decomposed "René": not the phrase (and not a valid span)
            if _free(occupied, m.start(), m.end()):
                occupied[m.start():m.end()] = b"\x01" * (m.end() - m.start())
                taken.append(Span(start=m.start(), end=m.end(), label=label,
                                  attributes=_mark("gazetteer")))
    return sorted(taken, key=lambda s: s.start)


def _free(occupied: bytearray, start: int, end: int) -> bool:
    """Whether no character of ``[start, end)`` is taken (``occupied``: 1 a taken one)."""
    return occupied.find(1, start, end) < 0


def _cluster_end(text: str, offset: int) -> int:
    """``offset``, or the end of the user-perceived character it falls inside."""
    while inside_grapheme(text, offset):
        offset += 1
    return offset


class _Configurable:
    requirements: TextRequirements | None = None

    def configure(self, requirements: dict[str, Any]) -> Any:
        made = type(self)()
        made.requirements = TextRequirements.model_validate(requirements)
        return made

    def _allowed(self, spans: list[Span], tokens: list[Token]) -> TextAnnotation:
        req = self.requirements
        if req is None:
            return TextAnnotation(spans=tuple(spans), tokens=tuple(tokens))
        tasks = set(req.labels.tasks)
        spans = [s for s in spans if "ner" in tasks and s.label in req.labels.entity_labels]
        if "segmentation" not in tasks:
            tokens = []
        elif req.labels.pos_tags is not None:
            tokens = [t if t.pos in req.labels.pos_tags else t.model_copy(update={"pos": None})
                      for t in tokens]
        return TextAnnotation(spans=tuple(spans), tokens=tuple(tokens))


class GazetteerPreannotator(_Configurable):
    """Phrase matches from the project's gazetteer (see the module docstring)."""

    name: ClassVar[str] = "gazetteer"
    model: str = "gazetteer"

    def predict(self, item: ItemRecord) -> TextAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, path: Path, language: str) -> TextAnnotation:
        text, _ = read_text(path)
        gazetteer = self.requirements.gazetteer if self.requirements else {}
        return self._allowed(gazetteer_spans(text, gazetteer), [])


class JiebaPreannotator(_Configurable):
    """jieba word segmentation, POS tags and entity candidates (see the module docstring)."""

    name: ClassVar[str] = "jieba"

    def __init__(self) -> None:
        try:
            self.model = f"jieba-{metadata.version('jieba')}/posseg"
        except metadata.PackageNotFoundError:
            self.model = "jieba/posseg"

    def analyse(self, text: str) -> tuple[list[Token], list[Span]]:
        """(words with POS, entity candidates) of ``text``."""
        import logging

        import jieba
        import jieba.posseg

        with _jieba_lock:
            jieba.setLogLevel(logging.WARNING)
            pairs = list(jieba.posseg.cut(text))
        tokens: list[Token] = []
        spans: list[Span] = []
        at = 0
        for pair in pairs:
            word, flag = pair.word, pair.flag
            start = text.find(word, at)
            if start < 0:
                continue
            at = start + len(word)
            # jieba cuts before a ZWJ or a combining mark, which a span may not: a word ends
            # where its last character ends, and one inside the word before is taken by it
            start = max(start, tokens[-1].end if tokens else 0)
            end = _cluster_end(text, at)
            if start >= end or not text[start:end].strip():
                continue
            tokens.append(Token(start=start, end=end, pos=flag))
            if flag in JIEBA_ENTITY_TAGS:
                spans.append(Span(start=start, end=end, label=JIEBA_ENTITY_TAGS[flag],
                                  attributes=_mark(self.model)))
        return tokens, spans

    def predict(self, item: ItemRecord) -> TextAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, path: Path, language: str) -> TextAnnotation:
        text, _ = read_text(path)
        tokens, spans = self.analyse(text)
        if self.requirements is not None and self.requirements.gazetteer:
            gaz = gazetteer_spans(text, self.requirements.gazetteer)
            occupied = bytearray(len(text))
            for g in gaz:
                occupied[g.start:g.end] = b"\x01" * (g.end - g.start)
            spans = gaz + [s for s in spans if _free(occupied, s.start, s.end)]
            spans.sort(key=lambda s: s.start)
        return self._allowed(spans, tokens)
