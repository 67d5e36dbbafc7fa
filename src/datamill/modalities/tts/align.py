"""Pre-filled tiers for a TTS utterance: forced alignment (English) or an even spread (Mandarin).

* **English** — PocketSphinx 5 with its bundled US English model: ``set_align_text`` finds word
  boundaries, ``set_alignment`` then a second pass gives phone boundaries
  (``get_alignment()``: words → phones, 10 ms frames). Phones get their stress digits from the
  CMU dictionary entry that matches the aligned pronunciation; syllables, stress, words and
  prosody (``#1`` after words, ``#3`` at a comma, ``#4`` at the end) follow. ``source`` is
  ``pocketsphinx``. A prompt the aligner cannot take (a word outside its dictionary, no path
  through the audio) falls back to the spread below.
* **Mandarin** (and the fallback) — no acoustic model ships, so syllables are spread evenly
  over the *voiced* frames (energy above the speech threshold of
  :mod:`datamill.modalities.tts.checks`) between the first and last speech frame; pauses keep
  no syllable. An initial takes the first 30 % of its syllable. ``source`` is ``proportional``:
  every boundary is a draft for the labeller. POS from ``jieba.posseg`` (Mandarin). A word
  ending in an erhua 儿 (一点儿, 哪儿, 玩儿; not 女儿, 婴儿 ...: :data:`NOT_ERHUA`) gets one
  rhotacised syllable for its last two characters (``yi4 dianr3``), as it is read.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from datamill.modalities.base import ItemRecord
from datamill.modalities.speech.phones import Word, g2p, split_syllable
from datamill.modalities.tts.schema import Interval, Point, TtsAnnotation, base_language

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["TtsAligner", "TtsPrediction", "proportional_tiers"]

_PS_FRAME_MS = 10
_PCM_BYTES_PER_FRAME = 320  # 10 ms of 16 kHz 16-bit mono
_TRIM_RETRY_FRAMES = (2, 4, 6)
_INITIAL_SHARE = 0.3
_COMMA = re.compile(r"[,，、;；:：]")
_STOP = re.compile(r"[.。!！?？]")
_DIGIT = re.compile(r"\d$")
#: words ending in a 儿 that is a syllable of its own, not erhua (after PaddleSpeech's list)
NOT_ERHUA = frozenset({
    "女儿", "男儿", "儿", "婴儿", "幼儿", "婴幼儿", "孤儿", "患儿", "胎儿", "健儿", "宠儿",
    "少儿", "孙儿", "侄儿", "妻儿", "聋儿", "乞儿", "新生儿", "混血儿", "流浪儿", "连体儿",
    "脑瘫儿", "体弱儿", "弃儿", "育儿", "托儿", "陪儿", "虐儿", "护儿", "救儿", "我儿", "俺儿",
    "有儿", "一儿", "为儿", "替儿", "瞒儿", "拐儿", "豚儿", "幸运儿", "宁馨儿", "健康儿",
})


def _with_erhua(word: Word) -> Word:
    """``word`` with its final erhua 儿 read into the syllable before it (一点儿: ``yi4 dian3
    er2`` → ``yi4 dianr3``); other words as they are."""
    syls = word.syllables
    if (len(word.text) < 2 or not word.text.endswith("儿") or word.text in NOT_ERHUA  # noqa: PLR2004
            or len(syls) != len(word.text) or not syls[-1].startswith("er")
            or syls[-2].rstrip("12345") in ("er", "m", "n", "ng", "hm", "hng", "ê")):
        return word
    before = syls[-2]
    tone = before[-1] if before[-1].isdigit() else "5"
    merged = (*syls[:-2], before.rstrip("12345") + "r" + tone)
    return Word(word.text, tuple(p for syl in merged for p in split_syllable(syl)), merged)



@dataclass(frozen=True)
class TtsPrediction:
    """A pre-aligner's result: the tiers and the model that placed them."""

    annotation: TtsAnnotation
    model: str


def _breaks(text: str, words: list[Word]) -> list[str]:
    """The prosody label after each word: ``#3`` before a comma-like mark, ``#4`` after the
    last word or a full stop, else ``#1``."""
    folded = unicodedata.normalize("NFKC", text).lower()
    pos = 0
    out: list[str] = []
    for w in words:
        at = folded.find(w.text.lower(), pos)
        pos = at + len(w.text) if at >= 0 else pos
        nxt = folded[pos:].lstrip()[:1]
        out.append("#4" if _STOP.match(nxt) else "#3" if _COMMA.match(nxt) else "#1")
    if out:
        out[-1] = "#4"
    return out


def _pos_tags(words: list[Word], lang: str) -> list[str | None]:
    if lang != "zh":
        return [None] * len(words)  # English POS is left to the labeller
    try:
        import jieba.posseg as pseg  # noqa: PLC0415
    except ImportError:  # pragma: no cover - jieba comes with the text extra
        return [None] * len(words)
    return [next((p.flag for p in pseg.lcut(w.text)), None) or "x" for w in words]


def _stress_of(label: str) -> str | None:
    return label[-1] if _DIGIT.search(label) else None


def _build(lang: str, source: str, text: str, words: list[Word],
           timed: list[tuple[int, int, list[tuple[str, int, int]]]],
           syllable_spans: list[list[tuple[str, int, int]]]) -> TtsAnnotation:
    """Tiers from per-word (start, end, phones) and per-word syllable spans."""
    tiers: dict[str, list[Interval]] = {k: [] for k in ("words", "syllables", "phones", "pos",
                                                        "stress", "tones")}
    prosody: list[Point] = []
    tags = _pos_tags(words, lang)
    for w, (start, end, phones), syls, brk, tag in zip(
            words, timed, syllable_spans, _breaks(text, words), tags, strict=True):
        tiers["words"].append(Interval(start_ms=start, end_ms=end, label=w.text))
        if tag:
            tiers["pos"].append(Interval(start_ms=start, end_ms=end, label=tag))
        tiers["phones"] += [Interval(start_ms=a, end_ms=b, label=p) for p, a, b in phones]
        for label, a, b in syls:
            tiers["syllables"].append(Interval(start_ms=a, end_ms=b, label=label))
            mark = _stress_of(label.split()[-1] if lang == "en" else label)
            if lang == "en":
                vowel = next((_stress_of(p) for p in label.split() if _stress_of(p)), None)
                if vowel:
                    tiers["stress"].append(Interval(start_ms=a, end_ms=b, label=vowel))
            elif mark:
                tiers["tones"].append(Interval(start_ms=a, end_ms=b, label=mark))
        prosody.append(Point(time_ms=end, label=brk))
    return TtsAnnotation.model_validate({"language": lang, "source": source, **tiers,
                                         "prosody": prosody})


def _voiced_frames(path: Path) -> tuple[np.ndarray[Any, Any], int, int]:
    """Voiced 5 ms frames (bool array), frame length in ms and the duration in ms."""
    import soundfile as sf  # noqa: PLC0415

    from datamill.modalities.tts.checks import FRAME_MS, _frames_db, _speech_mask  # noqa: PLC0415

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = data.mean(axis=1).astype(np.float64)
    active, _ = _speech_mask(_frames_db(x - x.mean(), int(sr)))
    return active, FRAME_MS, round(x.size * 1000 / sr)


def proportional_tiers(path: Path, text: str, language: str) -> TtsAnnotation:
    """Syllables spread evenly over the voiced frames (see the module docstring)."""
    lang = base_language(language)
    words = [w for w in g2p(text, lang) if w.phones]
    if lang == "zh":
        words = [_with_erhua(w) for w in words]
    active, frame_ms, duration = _voiced_frames(path)
    voiced = np.flatnonzero(active)
    if voiced.size == 0:
        voiced = np.arange(max(1, duration // frame_ms))
    n_syl = sum(max(1, len(w.syllables)) for w in words) or 1
    per = voiced.size / n_syl

    def at(k: float, *, end: bool) -> int:
        i = min(round(k), voiced.size) - (1 if end else 0)
        i = max(0, min(i, voiced.size - 1))
        return min(duration, int(voiced[i] + (1 if end else 0)) * frame_ms)

    timed: list[tuple[int, int, list[tuple[str, int, int]]]] = []
    spans: list[list[tuple[str, int, int]]] = []
    k = 0
    for w in words:
        syls = list(w.syllables) or [" ".join(w.phones or ())]
        phones = list(w.phones or ())
        word_syls: list[tuple[str, int, int]] = []
        word_phones: list[tuple[str, int, int]] = []
        for s in syls:
            a, b = at(k * per, end=False), at((k + 1) * per, end=True)
            b = max(b, a + 1)
            word_syls.append((s, a, b))
            parts = _syllable_phones(s, phones, lang)
            phones = phones[len(parts):]
            word_phones += _split(parts, a, b)
            k += 1
        timed.append((word_syls[0][1], word_syls[-1][2], word_phones))
        spans.append(word_syls)
    return _build(lang, "proportional", text, words, timed, spans)


def _syllable_phones(syllable: str, phones: list[str], lang: str) -> list[str]:
    if lang == "en":
        return syllable.split()
    n = 2 if phones and len(phones) > 1 and not _DIGIT.search(phones[0]) else 1
    return phones[:n]


def _split(parts: list[str], a: int, b: int) -> list[tuple[str, int, int]]:
    """A syllable's phones over [a, b): an initial gets 30 %, the rest share the remainder."""
    if not parts:
        return []
    if len(parts) == 2 and not _DIGIT.search(parts[0]) and _DIGIT.search(parts[1]):  # noqa: PLR2004
        mid = a + max(1, int((b - a) * _INITIAL_SHARE))
        mid = min(mid, b - 1) if b - a > 1 else a
        return [(parts[0], a, mid), (parts[1], mid, b)] if mid > a else [(parts[1], a, b)]
    edges = [a + round((b - a) * i / len(parts)) for i in range(len(parts) + 1)]
    return [(p, s, e) for p, s, e in zip(parts, edges, edges[1:], strict=False) if e > s]


def _stressed(word: Word, ps_phones: list[str]) -> list[str]:
    """The aligned phones with cmudict stress digits (the entry whose phones match)."""
    from datamill.modalities.speech.phones import _cmudict  # noqa: PLC0415

    for pron in [list(word.phones or ()), *_cmudict().get(word.text, [])]:
        if [_DIGIT.sub("", p) for p in pron] == ps_phones:
            return pron
    from datamill.modalities.speech.phones import ARPABET_VOWELS  # noqa: PLC0415

    return [f"{p}1" if p in ARPABET_VOWELS else p for p in ps_phones]


def _en_syllables(phones: list[str]) -> list[list[int]]:
    """Phone indices per syllable: each vowel closes one with the consonants before it."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i, p in enumerate(phones):
        cur.append(i)
        if _DIGIT.search(p):
            out.append(cur)
            cur = []
    if cur:
        if out:
            out[-1] += cur
        else:
            out.append(cur)
    return out


class TtsAligner:
    """The ``tts-align`` pre-annotator: PocketSphinx forced alignment for English, the even
    spread for Mandarin. It needs the prompt (the loop passes it as ``prompt``); an item
    without one gets empty tiers."""

    name: ClassVar[str] = "tts-align"

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()
        #: how each English utterance got its phone boundaries: ``state`` (the second pass),
        #: ``phone_words`` (phones aligned as words), ``even`` (shared within the word)
        self.phone_methods: Counter[str] = Counter()

    def predict(self, item: ItemRecord) -> TtsPrediction:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file, aligned with its prompt."""
        return self.predict_file(item.readable, item.language, item.prompt)

    def predict_file(self, path: Path, language: str, prompt: str | None = None) -> TtsPrediction:
        lang = base_language(language)
        if prompt is None or not prompt.strip():  # nothing to align: the labeller starts from empty tiers
            return TtsPrediction(TtsAnnotation(language=lang, source="manual"), "no-prompt")
        if lang == "en":
            ann = self._align_en(path, prompt)
            if ann is not None:
                from datamill.modalities.speech.preannotators import (  # noqa: PLC0415
                    pocketsphinx_model_name,
                )

                return TtsPrediction(ann, pocketsphinx_model_name())
        return TtsPrediction(proportional_tiers(path, prompt, lang), "proportional")

    def _decoder_ready(self) -> Any:
        if self._decoder is None:
            from datamill.modalities.speech.phones import (  # noqa: PLC0415
                ARPABET_CONSONANTS,
                ARPABET_VOWELS,
            )
            from datamill.modalities.speech.preannotators import new_decoder  # noqa: PLC0415

            d = new_decoder()
            names = [*ARPABET_CONSONANTS, *ARPABET_VOWELS]
            for i, ph in enumerate(names):  # each phone as a one-phone "word" (fallback pass)
                d.add_word(f"ph_{ph.lower()}", ph, i == len(names) - 1)
            self._decoder = d
        return self._decoder

    @staticmethod
    def _pass(d: Any, pcm: bytes) -> None:
        d.reinit_feat()  # the same features in every pass (no cepstral-mean carry-over)
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()

    def _state_pass(self, d: Any, pcm: bytes,
                    prons: list[list[str]]) -> list[list[tuple[str, int, int]]] | None:
        """Phones per word from the state-level second pass over the word alignment just
        made; None when it finds no path."""
        try:
            d.set_alignment()
            self._pass(d, pcm)
            got = [[(p.name, p.start, p.duration) for p in w] for w in d.get_alignment()
                   if not w.name.startswith(("<", "["))]
        except RuntimeError:
            return None
        return got if [[p for p, _, _ in w] for w in got] == prons else None

    def _state_with_retries(self, d: Any, pcm: bytes, text: str, first: int,
                            prons: list[list[str]]) -> list[list[tuple[str, int, int]]] | None:
        """The state pass; when PocketSphinx's word pass gave ``<s>`` a single frame (the state
        pass then finds no path), again on the audio cut a few frames before the first word,
        frames shifted back."""
        got = self._state_pass(d, pcm, prons)
        for back in _TRIM_RETRY_FRAMES:
            if got is not None or first - back <= 0:
                break
            cut = first - back
            part = pcm[cut * _PCM_BYTES_PER_FRAME:]
            try:
                d.set_align_text(text)
                self._pass(d, part)
            except RuntimeError:
                continue
            again = self._state_pass(d, part, prons)
            if again is not None:
                got = [[(p, a + cut, n) for p, a, n in w] for w in again]
        return got

    def _phone_frames(self, d: Any, pcm: bytes, words: list[tuple[str, int, int]],
                      prons: list[list[str]], text: str) -> list[list[tuple[str, int, int]]]:
        """Phones per word as (phone, first frame, frames): the state-level second pass;
        when it finds no path, phones aligned as one-phone words and kept inside their word's
        span; when that fails too, the word's span shared evenly."""
        got = self._state_with_retries(d, pcm, text, words[0][1], prons)
        if got is not None:
            self.phone_methods["state"] += 1
            return got
        flat = [p for pr in prons for p in pr]
        segs: list[tuple[str, int, int]] = []
        try:
            d.set_align_text(" ".join(f"ph_{p.lower()}" for p in flat))
            self._pass(d, pcm)
            segs = [(s.word[3:].upper(), s.start_frame, s.end_frame) for s in d.seg()
                    if s.word.startswith("ph_")]
        except RuntimeError:
            segs = []
        out: list[list[tuple[str, int, int]]] = []
        k = 0
        self.phone_methods["phone_words" if len(segs) == len(flat) else "even"] += 1
        for (_, ws, we), pr in zip(words, prons, strict=True):
            mine = segs[k:k + len(pr)] if len(segs) == len(flat) else []
            k += len(pr)
            edges = [ws] + [min(max(s, ws), we + 1) for _, s, _ in mine[1:]] + [we + 1]
            if len(edges) != len(pr) + 1 or any(b <= a for a, b in itertools.pairwise(edges)):
                edges = [ws + round((we + 1 - ws) * i / len(pr)) for i in range(len(pr) + 1)]
            out.append([(p, a, b - a) for p, a, b in zip(pr, edges, edges[1:], strict=False)])
        return out

    def _align_en(self, path: Path, text: str) -> TtsAnnotation | None:
        from datamill.modalities.speech.preannotators import read_pcm16  # noqa: PLC0415

        words = g2p(text, "en")
        if not words or any(w.phones is None for w in words):
            return None
        pcm = read_pcm16(path)
        duration = len(pcm) // 2 * 1000 // 16000
        with self._lock:
            d = self._decoder_ready()
            try:
                text_words = " ".join(w.text for w in words)
                d.set_align_text(text_words)
                self._pass(d, pcm)
                spans = [(s.word, s.start_frame, s.end_frame) for s in d.seg()
                         if not s.word.startswith(("<", "["))]
                if len(spans) != len(words):
                    return None
                prons = [str(d.lookup_word(w)).split() for w, _, _ in spans]
                aligned = self._phone_frames(d, pcm, spans, prons, text_words)
            except RuntimeError:
                return None
            finally:
                d.activate_search()

        def ms(frame: int) -> int:
            return min(frame * _PS_FRAME_MS, duration)

        timed: list[tuple[int, int, list[tuple[str, int, int]]]] = []
        syl_spans: list[list[tuple[str, int, int]]] = []
        for w, ps in zip(words, aligned, strict=True):
            labels = _stressed(w, [p for p, _, _ in ps])
            phones = [(lab, ms(s), ms(s + n)) for lab, (_, s, n) in zip(labels, ps, strict=True)]
            phones = [p for p in phones if p[2] > p[1]]
            if not phones:
                return None
            timed.append((phones[0][1], phones[-1][2], phones))
            syl_spans.append([(" ".join(phones[i][0] for i in idx), phones[idx[0]][1],
                               phones[idx[-1]][2])
                              for idx in _en_syllables([p[0] for p in phones])])
        return _build("en", "pocketsphinx", text, words, timed, syl_spans)
