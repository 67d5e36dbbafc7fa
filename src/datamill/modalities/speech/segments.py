"""Validation of submitted transcript segments against the spec."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

from datamill.modalities._reason_words_asr_h9 import ASR_SEGMENT_PROBLEMS_EN
from datamill.modalities.speech.schema import SpeechAsrRequirements, deliverable_spelling
from datamill.modalities.speech.types import SEGMENT_FLAGS, Segment

__all__ = ["MAX_SPEAKER_CHARS", "SegmentProblem", "ascii_tags", "noise_in_text",
           "validate_segments"]

MAX_SPEAKER_CHARS = 100  # as SpeechItemAttributes.speaker_id
#: a bracketed tag as scoring reads it (datamill.qc.text_norm drops it): spaces inside included
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
#: a tag typed through a Chinese IME: 【noise】 or ［noise］ (full-width brackets, mixed with
#: ASCII ones); only a Latin name inside, so Chinese text in 【】 (punctuation) is not a tag
_IME_TAG = re.compile(r"[\[【［]\s*([A-Za-zＡ-Ｚａ-ｚ][\w\s'-]*?)\s*[\]】］]")
#: an opening bracket nothing closes, or a closing one nothing opened (left once the whole tags
#: are taken out): ASCII anywhere, full-width only before a Latin letter (【noise)
_UNCLOSED = re.compile(r"\[\S{0,20}|\S{0,20}\]|[【［][A-Za-zＡ-Ｚａ-ｚ]\S{0,20}")


class SegmentProblem(str):
    """One segment problem's English line, carrying its ``code`` and the values its sentence
    names (``n`` the segment counted from 1, ``start``/``end`` in ms ...), so the faces word
    it in the reader's language (``prob.<code>``, :mod:`.._reason_words_asr_h9`)."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> SegmentProblem:
        made = super().__new__(cls, ASR_SEGMENT_PROBLEMS_EN[f"prob.{code}"].format(**values))
        made.code, made.values = code, values
        return made

    def record(self) -> dict[str, Any]:
        """The coded problem record (:func:`datamill.modalities.problem_words.coded_refusal`)."""
        return {"code": self.code, "message": str(self), **self.values}


def _ascii_tag(match: re.Match[str], allowed: Collection[str]) -> str:
    if match.group().startswith("[") and match.group().endswith("]"):
        return match.group()  # typed in ASCII: as written ([Noise] is not [noise])
    tag = "[" + unicodedata.normalize("NFKC", match.group(1)).strip() + "]"
    for known in (tag, tag.casefold()):
        if known in allowed:
            return known
    return match.group()


def ascii_tags(text: str, allowed: Collection[str]) -> str:
    """``text`` with each known tag typed in full-width brackets (``【noise】``, ``［noise］``,
    what a Chinese IME types for ``[noise]``) written as the tag (``[noise]``); unknown ones as
    they are (:func:`validate_segments` names them).

    >>> ascii_tags("你好【noise】再见［Laughter］【备注】", ["[noise]", "[laughter]"])
    '你好[noise]再见[laughter]【备注】'
    """
    if not any(c in text for c in "【】［］"):
        return text
    return _IME_TAG.sub(lambda m: _ascii_tag(m, allowed), text)


def noise_in_text(text: str, noise: Sequence[str] = (),
                  allowed: Collection[str] | None = None) -> tuple[str, ...]:
    """``noise`` and then each bracketed tag of ``text`` (only the ``allowed`` ones, when
    given), once each in order: a segment's noise list as its transcript holds the symbols
    (typed in the text, the list stayed empty: ``[]`` beside ``[noise]`` in the exports).

    >>> noise_in_text("[noise] 你好 [cough] [noise]", ("[laughter]",))
    ('[laughter]', '[noise]', '[cough]')
    >>> noise_in_text("[Noise] hi [cough]", (), ["[noise]", "[cough]"])
    ('[cough]',)
    """
    found = [t for t in _BRACKETED.findall(text) if allowed is None or t in allowed]
    return tuple(dict.fromkeys([*noise, *found]))


def _tag_problems(at: dict[str, Any], seg: Segment, allowed: Collection[str],
                  example: str) -> list[str]:
    """The segment's unknown tags (each once, in the text or the noise list) and unclosed
    brackets; full-width brackets around a known tag are the tag."""
    text = ascii_tags(seg.text, allowed)
    wide = [m.group() for m in _IME_TAG.finditer(text) if not m.group().startswith("[")
            or not m.group().endswith("]")]
    unknown = sorted({s for s in (*_BRACKETED.findall(text), *wide,
                                  *(ascii_tags(n, allowed) for n in seg.noise))
                      if s not in allowed})
    problems: list[str] = []
    if unknown:
        problems.append(SegmentProblem("asr_unknown_noise", **at, symbols=", ".join(unknown),
                                       allowed=", ".join(sorted(allowed))))
    rest = _IME_TAG.sub(" ", _BRACKETED.sub(" ", text))
    if (unclosed := _UNCLOSED.search(rest)) is not None:
        problems.append(SegmentProblem("asr_unclosed_bracket", **at, fragment=unclosed.group(),
                                       example=example))
    return problems


def validate_segments(
    segments: Sequence[Segment], duration_ms: int, req: SpeechAsrRequirements
) -> list[str]:
    """Every problem with ``segments``, as sentences naming the segment (empty list = valid)."""
    problems: list[str] = []
    if req.transcript_required and not any(s.text.strip() or s.noise for s in segments):
        problems.append(SegmentProblem("asr_transcript_required"))
    allowed = set(req.noise_symbols)
    example = "[noise]" if "[noise]" in allowed else next(iter(req.noise_symbols), "[noise]")
    for i, seg in enumerate(segments, start=1):
        at: dict[str, Any] = {"n": i, "start": seg.start_ms, "end": seg.end_ms}
        if seg.start_ms < 0 or seg.end_ms > duration_ms:
            problems.append(SegmentProblem("asr_outside_audio", **at, duration=duration_ms))
        if seg.end_ms <= seg.start_ms:
            problems.append(SegmentProblem("asr_ends_before_start", **at))
        if seg.speaker is not None and len(seg.speaker) > MAX_SPEAKER_CHARS:
            problems.append(SegmentProblem("asr_speaker_long", **at,
                                           chars=f"{len(seg.speaker):,}", most=MAX_SPEAKER_CHARS))
        if seg.speaker and (spelling := deliverable_spelling(seg.speaker)) is not None:
            problems.append(SegmentProblem("asr_speaker_chars", **at, speaker=repr(seg.speaker),
                                           spelling=repr(spelling)))
        if seg.flag is not None and seg.flag not in SEGMENT_FLAGS:
            problems.append(SegmentProblem("asr_unknown_flag", **at, flag=repr(seg.flag),
                                           allowed=", ".join(SEGMENT_FLAGS)))
        problems.extend(_tag_problems(at, seg, allowed, example))
    if not req.allow_overlapping_segments:
        ordered = sorted(enumerate(segments, start=1), key=lambda p: p[1].start_ms)
        for (ia, a), (ib, b) in itertools.pairwise(ordered):
            if b.start_ms < a.end_ms:
                problems.append(SegmentProblem("asr_overlap", n=ia, m=ib, start=b.start_ms,
                                               end=a.end_ms))
    return problems
