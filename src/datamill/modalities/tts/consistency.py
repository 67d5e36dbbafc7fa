"""Whether the tiers of a TTS annotation agree with each other and with the item's prompt.

:func:`datamill.modalities.tts.schema.annotation_problems` checks each tier on its own (times,
phone set, tone and stress digits); this module checks what only several tiers together say:

* **Syllable labels** (Mandarin): a toneless pinyin syllable of the phone set's spelling
  (:func:`~datamill.modalities.speech.phones.pinyin_syllables`: ``v`` for ``ü``), or its erhua
  form (``dianr``, ``huar``), followed by its tone digit, ``1``-``4``, ``5`` for the neutral
  tone (``hao3``, ``de5``, ``dianr3``).
* **Nesting**: every syllable lies under one word and every phone (``sil``/``sp`` aside) under
  one syllable, and a word starts with its first syllable and ends with its last (a syllable
  likewise with its phones). A child belongs to the parent that holds its midpoint; edges may
  differ by :data:`NESTING_TOLERANCE_MS` (the QC boundary tolerance). A tier with intervals
  needs the tier below it (words → syllables → phones); a tier below one left empty (a
  phones-only annotation) nests in nothing.
* **Spelling** (Mandarin): a syllable's phones are its initial and its tonal final
  (:func:`~datamill.modalities.speech.phones.split_syllable`: ``qing3`` → ``q ing3``), and a
  word of Chinese characters has one syllable per character, an erhua syllable standing for
  two (一点儿: ``yi4 dianr3``).
* **Readings** (Mandarin): each syllable under a word of Chinese characters is a reading of
  its character (pypinyin's per-character readings, toneless: 行 ``hang`` or ``xing``, 长
  ``chang`` or ``zhang``; an erhua syllable reads the character before its 儿). Where pypinyin's
  phrase dictionary holds the word, or a run of it (longest first, from the left: 银行行长 is
  银行 + 行长), a character of that run has the phrase's readings only (银行: 行 ``hang``, never
  ``xing``). Tones are not compared, so labels that write the tone sandhi (``yi2 ge4``) pass.
* **Tones** (Mandarin): when the tones tier has intervals, each syllable has one with its
  boundaries and its tone.
* **Prompt**: the words, read in order, are the item's prompt after the comparison
  normalisation of :func:`datamill.qc.text_norm.normalize_text` (width, case, punctuation,
  the project's ``text_normalization``), prosodic marks (``#1``-``#4``) left out. A prompt whose
  letters or digits have no pronunciation (``prompt_pronounceable`` fails: digits, a Latin
  word in Mandarin) cannot be carried by the tiers as written and is not compared.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from datamill.modalities.tts.metric import BOUNDARY_TOLERANCE_MS
from datamill.modalities.tts.schema import (
    SILENCE_PHONES,
    Interval,
    TierProblem,
    TtsAnnotation,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["NESTING_TOLERANCE_MS", "TierProblem", "prompt_problems", "tier_problems"]

NESTING_TOLERANCE_MS = BOUNDARY_TOLERANCE_MS
"""How far (ms) a word or syllable edge may lie from the edge of what it holds."""

_TONAL = re.compile(r"(?P<bare>.*?)(?P<tone>\d*)")
_TONE_DIGITS = frozenset("12345")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PROSODIC_MARK = re.compile(r"#\d")
_SHOWN_CHARS = 60


def _at(i: int, iv: Interval) -> dict[str, Any]:
    """The values naming interval ``i`` of a tier: its number from 1, label and span."""
    return {"number": i + 1, "label": iv.label, "start": iv.start_ms, "end": iv.end_ms}


def _tone(label: str) -> tuple[str, str]:
    """``label`` as (toneless syllable, tone digits)."""
    m = _TONAL.fullmatch(label)
    return (m["bare"], m["tone"]) if m else (label, "")


def _spelling(label: str) -> str | None:
    """The tone-numbered syllable a label with tone marks or capitals means (``nǐ``, ``NI3``,
    ``lǜ``: ``ni3``, ``ni3``, ``lv4``), when that is one; else None."""
    from pypinyin.contrib.tone_convert import to_tone3  # noqa: PLC0415

    spelled = str(to_tone3(unicodedata.normalize("NFC", label.strip().lower()), v_to_u=False))
    if spelled == label or not spelled[-1:].isdigit():
        return None
    return spelled if _syllable_label_problem(0, spelled) is None else None


def _syllable_label_problem(i: int, label: str) -> TierProblem | None:
    from datamill.modalities.speech.phones import erhua_base, pinyin_syllables  # noqa: PLC0415

    bare, tone = _tone(label)
    where = f"syllables[{i}]: {label!r}"
    said = {"number": i + 1, "label": label}
    if bare not in pinyin_syllables() and erhua_base(bare) is None:
        spelled = None if "ü" in bare else _spelling(label)
        if spelled is not None:  # nǐ, NI3, lǜ: tone marks or capitals (trial h9)
            return TierProblem(f"{where} is not a pinyin syllable as the phone set writes it: "
                               f"write {spelled!r} (a tone digit, lower case, ü as v)",
                               "tts_not_pinyin", **said, edge="spelled", spelling=spelled)
        umlaut = "ü" in bare
        hint = " (the phone set writes ü as v: lv4)" if umlaut else ""
        return TierProblem(f"{where} is not a pinyin syllable{hint}", "tts_not_pinyin",
                           **said, **({"edge": "umlaut"} if umlaut else {}))
    if not tone:
        return TierProblem(f"{where} has no tone digit (1-4, 5 for the neutral tone)",
                           "tts_no_tone_digit", **said)
    if tone not in _TONE_DIGITS:
        return TierProblem(f"{where} has tone {tone}, not a tone (1-4, 5 for the neutral tone)",
                           "tts_bad_tone_digit", **said, tone=tone)
    return None


def _span(iv: Interval) -> str:
    return f"{iv.start_ms}-{iv.end_ms} ms"


def _under(parents: Sequence[Interval], children: Sequence[Interval]) -> list[int | None]:
    """For each child, the index of the parent holding its midpoint (None: none does)."""
    starts = [p.start_ms for p in parents]
    out: list[int | None] = []
    for c in children:
        mid = (c.start_ms + c.end_ms) / 2
        k = bisect.bisect_right(starts, mid) - 1
        out.append(k if k >= 0 and mid < parents[k].end_ms else None)
    return out


_UNIT = {"words": "word", "syllables": "syllable", "phones": "phone"}


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _nesting_problems(
    pname: str, parents: Sequence[Interval], cname: str, children: Sequence[tuple[int, Interval]],
) -> tuple[list[str], list[list[int]]]:
    """Problems of ``children`` (index in their tier, interval) under ``parents``, and the
    children's indexes per parent."""
    tol = NESTING_TOLERANCE_MS
    punit, cunit = _UNIT[pname], _UNIT[cname]
    out: list[str] = []
    edge = {"edge": cname}  # the sentence of the tier (syllables under words, phones under ...)
    held: list[list[int]] = [[] for _ in parents]
    if not parents:  # a tier left unlabelled above (phones only): nothing to nest in
        return out, held
    if not children:
        return [TierProblem(f"{cname}: empty, but the {pname} tier has "
                            f"{_count(len(parents), 'interval')} (each {punit} needs its {cname})",
                            "tts_tier_empty", **edge, count=len(parents))], held
    for (j, c), k in zip(children, _under(parents, [c for _, c in children]), strict=True):
        if k is None:
            out.append(TierProblem(f"{cname}[{j}]: {c.label!r} at {_span(c)} lies under no "
                                   f"{punit}", "tts_under_nothing", **edge, **_at(j, c)))
            continue
        held[k].append(j)
        p = parents[k]
        if c.start_ms < p.start_ms - tol or c.end_ms > p.end_ms + tol:
            out.append(TierProblem(
                f"{cname}[{j}]: {c.label!r} at {_span(c)} crosses the edge of "
                f"{pname}[{k}] {p.label!r} ({_span(p)})", "tts_crosses_edge", **edge,
                **_at(j, c), parent_number=k + 1, parent=p.label, parent_start=p.start_ms,
                parent_end=p.end_ms))
    by_index = dict(children)
    rule = f"a {punit} boundary must be a {cunit} boundary (within {tol} ms)"
    for k, (p, mine) in enumerate(zip(parents, held, strict=True)):
        where = f"{pname}[{k}]: {p.label!r} at {_span(p)}"
        if not mine:
            out.append(TierProblem(f"{where} has no {cunit} under it", "tts_nothing_under",
                                   **edge, **_at(k, p)))
            continue
        first, last = by_index[mine[0]], by_index[mine[-1]]
        if abs(p.start_ms - first.start_ms) > tol:
            out.append(TierProblem(
                f"{where} starts {abs(p.start_ms - first.start_ms)} ms from its first "
                f"{cunit} ({first.start_ms} ms): {rule}", "tts_start_off", **edge, **_at(k, p),
                off=abs(p.start_ms - first.start_ms), at=first.start_ms, tolerance=tol))
        if abs(p.end_ms - last.end_ms) > tol:
            out.append(TierProblem(
                f"{where} ends {abs(p.end_ms - last.end_ms)} ms from its last "
                f"{cunit} ({last.end_ms} ms): {rule}", "tts_end_off", **edge, **_at(k, p),
                off=abs(p.end_ms - last.end_ms), at=last.end_ms, tolerance=tol))
    return out, held


def _zh_spelling_problems(ann: TtsAnnotation, phones_of: list[list[int]],
                          syllables_of: list[list[int]]) -> list[str]:
    from datamill.modalities.speech.phones import erhua_base, split_syllable  # noqa: PLC0415

    out: list[str] = []
    for i, (syl, mine) in enumerate(zip(ann.syllables, phones_of, strict=True)):
        bare, tone = _tone(syl.label)
        if not mine or _syllable_label_problem(i, syl.label) is not None:
            continue
        want = split_syllable(bare + tone)
        got = tuple(ann.phones[j].label for j in mine)
        if got != want:
            out.append(TierProblem(f"syllables[{i}]: {syl.label!r} at {_span(syl)} is spelled "
                                   f"{' '.join(want)}, but its phones are {' '.join(got)}",
                                   "tts_spelling", **_at(i, syl), want=" ".join(want),
                                   got=" ".join(got)))
    for k, (word, mine) in enumerate(zip(ann.words, syllables_of, strict=True)):
        chars = len(_HAN.findall(word.label))
        # an erhua syllable (dianr3) is read with the 儿 it swallows: one syllable, two characters
        erhua = min(word.label.count("儿"),
                    sum(erhua_base(_tone(ann.syllables[j].label)[0]) is not None for j in mine))
        if mine and chars == len(word.label.strip()) and chars - erhua != len(mine):
            note = f" ({_count(erhua, 'erhua syllable')} reading two)" if erhua else ""
            out.append(TierProblem(f"words[{k}]: {word.label!r} at {_span(word)} has "
                                   f"{_count(chars, 'character')}{note} but "
                                   f"{_count(len(mine), 'syllable')} under it",
                                   "tts_character_count", **_at(k, word), chars=chars,
                                   erhua=erhua, syllables=len(mine),
                                   **({"edge": "erhua"} if erhua else {})))
        elif mine and chars == len(word.label.strip()):
            out += _reading_problems(ann, word.label.strip(), mine)
    return out


@lru_cache(maxsize=4096)
def _readings(char: str) -> frozenset[str]:
    """The toneless pinyin readings of a Han character (``v`` for ``ü``; empty: unknown)."""
    from pypinyin import Style, pinyin  # noqa: PLC0415

    return frozenset(r for group in pinyin(char, style=Style.NORMAL, heteronym=True,
                                           errors="ignore") for r in group if r.isalpha())


_LONGEST_PHRASE = 10


@lru_cache(maxsize=4096)
def _word_readings(word: str) -> tuple[frozenset[str], ...]:
    """For each character of ``word``, its toneless readings in the word: a phrase's where a
    run of the project's word readings (:mod:`~datamill.modalities.speech.zh_readings`) or
    of pypinyin's phrase dictionary covers it (longest from the left), else all of the
    character's (:func:`_readings`); empty where neither knows it."""
    from pypinyin.contrib.tone_convert import to_normal  # noqa: PLC0415
    from pypinyin.phrases_dict import phrases_dict  # noqa: PLC0415

    from datamill.modalities.speech.zh_readings import word_reading  # noqa: PLC0415

    out: list[frozenset[str]] = []
    i = 0
    while i < len(word):
        for n in range(min(_LONGEST_PHRASE, len(word) - i), 1, -1):
            ours = word_reading(word[i:i + n])  # the project's table (还款) before pypinyin's
            phrase = [[s] for s in ours] if ours else phrases_dict.get(word[i:i + n])
            if phrase is not None and len(phrase) == n:
                out += [frozenset(r for r in (to_normal(x) for x in group) if r.isalpha())
                        for group in phrase]
                i += n
                break
        else:
            out.append(_readings(word[i]))
            i += 1
    return tuple(out)


def _reading_problems(ann: TtsAnnotation, chars: str, mine: list[int]) -> list[str]:
    """Each syllable under a word of Han characters is a reading of its character (行: ``hang``
    or ``xing``; 一点儿: ``dianr`` reads 点 and swallows 儿). Tones are not compared: the labels
    may write the tone sandhi (``yi2 ge4``, ``ni2 hao3``)."""
    from datamill.modalities.speech.phones import erhua_base  # noqa: PLC0415

    out: list[str] = []
    in_word = _word_readings(chars)
    c = 0
    for j in mine:
        if c >= len(chars):
            break
        label = ann.syllables[j].label
        bare = _tone(label)[0]
        base = erhua_base(bare)
        known = in_word[c] or _readings(chars[c])
        wrong = bare not in known and (base is None or base not in known)
        if known and wrong and _syllable_label_problem(j, label) is None:
            by_word = known != _readings(chars[c])  # the word's phrase chose the reading
            where = f"{chars[c]!r} in {chars!r}" if by_word else repr(chars[c])
            out.append(TierProblem(f"syllables[{j}]: {label!r} at {_span(ann.syllables[j])} is"
                                   f" not a reading of {where} ({', '.join(sorted(known))})",
                                   "tts_not_a_reading", **_at(j, ann.syllables[j]),
                                   character=chars[c], readings=", ".join(sorted(known)),
                                   **({"edge": "word", "word": chars} if by_word else {})))
        c += 2 if base is not None and bare not in known and chars[c + 1:c + 2] == "儿" else 1
    return out


def _tone_problems(ann: TtsAnnotation) -> list[str]:
    if not ann.tones or not ann.syllables:
        return []
    tol = NESTING_TOLERANCE_MS
    out: list[str] = []
    covered: set[int] = set()
    for k, (t, j) in enumerate(zip(ann.tones, _under(ann.syllables, ann.tones), strict=True)):
        if j is None:
            out.append(TierProblem(f"tones[{k}]: {t.label!r} at {_span(t)} lies over no "
                                   "syllable", "tts_tone_over_nothing", **_at(k, t)))
            continue
        syl = ann.syllables[j]
        covered.add(j)
        if abs(t.start_ms - syl.start_ms) > tol or abs(t.end_ms - syl.end_ms) > tol:
            out.append(TierProblem(
                f"tones[{k}]: {t.label!r} at {_span(t)} does not match the boundaries of "
                f"syllables[{j}] {syl.label!r} ({_span(syl)})", "tts_tone_boundaries", **_at(k, t),
                syllable_number=j + 1, syllable=syl.label, syllable_start=syl.start_ms,
                syllable_end=syl.end_ms))
        tone = _tone(syl.label)[1]
        if tone and t.label != tone:
            out.append(TierProblem(f"tones[{k}]: {t.label!r} at {_span(t)}, but syllables[{j}] "
                                   f"{syl.label!r} has tone {tone}", "tts_tone_mismatch",
                                   **_at(k, t), syllable_number=j + 1, syllable=syl.label,
                                   tone=tone))
    out += [TierProblem(f"syllables[{j}]: {s.label!r} at {_span(s)} has no interval in the "
                        "tones tier", "tts_no_tone_interval", **_at(j, s))
            for j, s in enumerate(ann.syllables) if j not in covered]
    return out


def tier_problems(ann: TtsAnnotation) -> list[str]:
    """Every disagreement between the tiers of ``ann`` (see the module docstring). Meant for
    an annotation whose tiers are each in order (no interval problems)."""
    out: list[str] = []
    if ann.language == "zh":
        out += [p for i, s in enumerate(ann.syllables)
                if (p := _syllable_label_problem(i, s.label)) is not None]
    nest, syllables_of = _nesting_problems(
        "words", ann.words, "syllables", list(enumerate(ann.syllables)))
    out += nest
    voiced = [(j, p) for j, p in enumerate(ann.phones) if p.label not in SILENCE_PHONES]
    nest, phones_of = _nesting_problems("syllables", ann.syllables, "phones", voiced)
    out += nest
    if ann.language == "zh":
        out += _zh_spelling_problems(ann, phones_of, syllables_of)
        out += _tone_problems(ann)
    return out


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def prompt_problems(
    ann: TtsAnnotation, prompt: str | None, text_normalization: Mapping[str, Any] | None = None,
) -> list[str]:
    """Where the words of ``ann`` depart from ``prompt`` (see the module docstring); nothing
    when there is no prompt."""
    if prompt is None or not prompt.strip():
        return []
    from datamill.qc.text_conventions import conventions_of  # noqa: PLC0415
    from datamill.qc.text_norm import normalize_text  # noqa: PLC0415

    conventions = conventions_of(text_normalization)
    lang = ann.language

    def norm(text: str) -> str:
        return normalize_text(text, language=lang, conventions=conventions)

    def tokens(text: str) -> list[str]:
        return list(text.replace(" ", "")) if lang == "zh" else text.split()

    said = _PROSODIC_MARK.sub(" ", prompt)
    want = norm(said)
    if norm(ann.text) == want:
        return []
    from datamill.modalities.tts.checks import unpronounced_words  # noqa: PLC0415

    if unpronounced_words(said):
        return []  # the tiers cannot hold it as written; prompt_pronounceable says so
    expected, at = tokens(want), 0
    for k, word in enumerate(ann.words):
        mine = tokens(norm(word.label))
        if expected[at:at + len(mine)] != mine:
            follows = "".join(expected[at:at + max(1, len(mine))]) if lang == "zh" else \
                " ".join(expected[at:at + max(1, len(mine))])
            reads = f"the prompt reads {follows!r}" if follows else "the prompt has ended"
            return [TierProblem(f"words[{k}]: {word.label!r} at {_span(word)} where {reads} "
                                f"(prompt: {_short(want)!r})", "tts_word_off_prompt",
                                **_at(k, word), follows=follows, prompt=_short(want),
                                **({} if follows else {"edge": "ended"}))]
        at += len(mine)
    if at >= len(expected):  # each word alone follows; together they convert otherwise
        return [TierProblem(f"words: they read {_short(norm(ann.text))!r}, the prompt "
                            f"{_short(want)!r}", "tts_words_not_prompt",
                            said=_short(norm(ann.text)), prompt=_short(want))]
    return [TierProblem(f"words: the words end before the prompt does (they read "
                        f"{_short(norm(ann.text))!r}; prompt: {_short(want)!r})",
                        "tts_words_end_early", said=_short(norm(ann.text)), prompt=_short(want))]
