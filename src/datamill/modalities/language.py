"""The automatic language check every modality shares: :func:`judge_language`.

Lingua's best language among the wanted ones plus :data:`EXTRA_LANGUAGES` (models ship inside
the lingua wheel, loaded on first use), a near-miss margin for short texts full of names, and a
second opinion over :data:`SECOND_OPINION_LANGUAGES` that names languages the first detector
does not know. The text modality checks a document with it, the LLM modality each turn and
response; ``bench/language_check.py`` measures both on held-out translations.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Final

__all__ = [
    "EXTRA_LANGUAGES",
    "FOREIGN_SCRIPT_SHARE",
    "NEAR_MISS_MARGIN",
    "SECOND_OPINION_LANGUAGES",
    "WRONG_LANGUAGE_MARGIN",
    "judge_language",
]

EXTRA_LANGUAGES: Final = ("en", "zh", "ja", "ko", "fr", "de", "es", "ru")
"""Languages the detector always knows besides the spec's, so a wrong language is named."""
SECOND_OPINION_LANGUAGES: Final = (
    "it", "pt", "nl", "sv", "da", "pl", "cs", "ro", "hu", "fi", "tr", "id", "vi", "uk")
"""Languages only the second opinion knows (see :func:`judge_language`). Known to the first
detector, they would spread its confidence thin (clean English sentences fell under a 0.3
threshold: 2.2 % of them on ``bench/language_check.py``'s corpus against 0.3 %); unknown to any
detector, an Italian or Polish sentence passed as English a third of the time."""
NEAR_MISS_MARGIN: Final = 0.2
"""A wanted language within this much confidence of a foreign best guess still counts (short
sentences full of names: "Google and Microsoft compete in Seattle." reads de 0.51, en 0.34)."""
WRONG_LANGUAGE_MARGIN: Final = 0.3
"""The second opinion refuses a text only when a foreign language leads the wanted one by this."""
FOREIGN_SCRIPT_SHARE: Final = 0.2
"""A text whose letters are this share or more in a script none of the wanted languages is
written in is refused, whatever the detector says of the rest: lingua skips the letters of
scripts it has no model for, so "مرحبا بالعالم هذا نص عربي. And this is English text." read
as English 0.94 and passed a [zh, en] project (trial h5)."""
_SCRIPT_LANGUAGE: Final = {
    "ARABIC": "ar", "HEBREW": "he", "CYRILLIC": "ru", "GREEK": "el", "DEVANAGARI": "hi",
    "THAI": "th", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "ARMENIAN": "hy",
    "GEORGIAN": "ka", "BENGALI": "bn", "TAMIL": "ta", "TELUGU": "te", "GUJARATI": "gu",
    "GURMUKHI": "pa", "ETHIOPIC": "am", "KHMER": "km", "LAO": "lo", "MYANMAR": "my",
    "SINHALA": "si", "TIBETAN": "bo", "SYRIAC": "syr", "THAANA": "dv", "MONGOLIAN": "mn",
    "LATIN": "en", "CJK": "zh",
}
"""Scripts this check tells apart (a letter's Unicode name starts with one), each with the
language a refusal names for it (Arabic script is named ``ar``, Cyrillic ``ru``)."""
_BORROWED_SCRIPTS: Final = frozenset({"LATIN", "CJK"})
"""Scripts whose words other languages' text borrows as they are (a brand, an acronym, a name:
"我用iPhone拍照。", "The word 你好 means hello") and the detectors have models for:
:func:`foreign_script` leaves their letters to the detectors. Counted, 6 Latin letters of 10
refused plain Chinese ("我用iPhone拍照。", "我喜欢看NBA和NFL比赛", "ＡＰＰ下载量很高") that the
detectors read as Chinese. Other scripts (Cyrillic, kana, Hangul, Arabic ...) are counted."""
_NON_LATIN_SCRIPTS: Final = {
    "zh": {"CJK"}, "ja": {"CJK", "HIRAGANA", "KATAKANA"}, "ko": {"HANGUL", "CJK"},
    "ar": {"ARABIC"}, "fa": {"ARABIC"}, "ur": {"ARABIC"}, "he": {"HEBREW"}, "yi": {"HEBREW"},
    "ru": {"CYRILLIC"}, "uk": {"CYRILLIC"}, "be": {"CYRILLIC"}, "bg": {"CYRILLIC"},
    "sr": {"CYRILLIC", "LATIN"}, "mk": {"CYRILLIC"}, "kk": {"CYRILLIC"}, "mn": {"CYRILLIC"},
    "el": {"GREEK"}, "hi": {"DEVANAGARI"}, "mr": {"DEVANAGARI"}, "ne": {"DEVANAGARI"},
    "th": {"THAI"}, "hy": {"ARMENIAN"}, "ka": {"GEORGIAN"}, "bn": {"BENGALI"},
    "ta": {"TAMIL"}, "te": {"TELUGU"}, "gu": {"GUJARATI"}, "pa": {"GURMUKHI"},
    "am": {"ETHIOPIC"}, "km": {"KHMER"}, "lo": {"LAO"}, "my": {"MYANMAR"}, "si": {"SINHALA"},
}
_LATIN_LANGUAGES: Final = frozenset(
    ["af", "az", "bs", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "hr", "hu", "id", "is", "it", "la", "lg", "lt", "lv", "mi", "ms", "nb", "nl", "nn", "no", "pl", "pt", "ro", "sk", "sl", "so", "sq", "st", "sv", "sw", "tl", "tn", "tr", "ts", "vi", "xh", "yo", "zu"])
_lock = threading.Lock()


@lru_cache(maxsize=16)
def _detector(languages: tuple[str, ...]) -> Any:
    """A lingua detector over ``languages``, :data:`EXTRA_LANGUAGES` and
    :data:`SECOND_OPINION_LANGUAGES` (codes lingua does not know are left out)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = []
    for code in sorted(set(languages) | set(EXTRA_LANGUAGES) | set(SECOND_OPINION_LANGUAGES)):
        iso = getattr(IsoCode639_1, code.split("-")[0].upper(), None)
        if iso is not None:
            known.append(Language.from_iso_code_639_1(iso))
    return LanguageDetectorBuilder.from_languages(*known).build()


def _ranked(text: str, wanted: set[str]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Lingua's confidences for ``text``: over the first detector's languages (``wanted`` and
    :data:`EXTRA_LANGUAGES`) and over those plus :data:`SECOND_OPINION_LANGUAGES`, best first.

    One detection serves both: lingua's confidences are the languages' likelihoods normalised
    over the languages it knows, so the first detector's are the wide one's restricted to its
    languages and normalised again (equal to 1e-13 on ``bench/language_check.py``'s corpus), at
    the cost of one detection instead of two."""
    with _lock:
        detector = _detector(tuple(sorted(wanted)))
    wide = [(v.language.iso_code_639_1.name.lower(), float(v.value))
            for v in detector.compute_language_confidence_values(text)]
    first_set = wanted | set(EXTRA_LANGUAGES)
    first = [(code, value) for code, value in wide if code in first_set]
    total = sum(value for _, value in first)
    first = [(code, value / total) for code, value in first] if total > 0 else []
    return first, wide


def _lead(values: list[tuple[str, float]], wanted: set[str]) -> tuple[str | None, float, float]:
    """(best code, its confidence, the best wanted language's confidence)."""
    if not values or values[0][1] <= 0:
        return None, 0.0, 0.0
    return values[0][0], values[0][1], next((v for c, v in values if c in wanted), 0.0)


def _script(char: str) -> str | None:
    """The script of a letter as :data:`_SCRIPT_LANGUAGE` knows it, or None."""
    words = unicodedata.name(char, "").split()
    if words and words[0] in ("FULLWIDTH", "HALFWIDTH"):
        words = words[1:]
    return words[0] if words and words[0] in _SCRIPT_LANGUAGE else None


def foreign_script(text: str, wanted: Iterable[str]) -> tuple[str, int, int] | None:
    """(script, its letters, all letters) where :data:`FOREIGN_SCRIPT_SHARE` or more of
    ``text``'s letters are in a script none of ``wanted`` is written in, other than Latin and
    Han (:data:`_BORROWED_SCRIPTS`, left to the detectors; the most frequent such script), else
    None; also None where a wanted language's script is not known here.

    >>> foreign_script("שלום עולם זה טקסט. Then some English.", ["zh", "en"])
    ('HEBREW', 14, 29)
    >>> foreign_script("张伟在北京的清华大学工作。", ["zh", "en"]) is None
    True
    >>> foreign_script("我用iPhone拍照。", ["zh"]) is None  # Latin: left to the detectors
    True
    """
    scripts: set[str] = set()
    for code in wanted:
        base = code.split("-")[0].lower()
        if base in _NON_LATIN_SCRIPTS:
            scripts |= _NON_LATIN_SCRIPTS[base]
        elif base in _LATIN_LANGUAGES:
            scripts.add("LATIN")
        else:
            return None
    counts: dict[str, int] = {}
    total = 0
    for char in text:
        if char.isalpha():
            total += 1
            script = _script(char)
            if script is not None and script not in scripts and script not in _BORROWED_SCRIPTS:
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1])
    return (script, n, total) if sum(counts.values()) >= FOREIGN_SCRIPT_SHARE * total else None


def judge_language(text: str, languages: Iterable[str], min_confidence: float
                   ) -> tuple[str | None, float, str | None]:
    """(language, confidence, refusal or None) of ``text`` for a project in ``languages``
    (ISO 639-1 codes or BCP-47 tags: ``zh-CN`` counts as ``zh``).

    The first detector knows the wanted languages and :data:`EXTRA_LANGUAGES`; its confidence
    is the value the threshold applies to. A wanted language that trails a foreign best guess
    by less than :data:`NEAR_MISS_MARGIN` and clears the threshold counts as found. Text found
    in a wanted language is then shown to a second detector that also knows
    :data:`SECOND_OPINION_LANGUAGES`; it is refused only where a language the first could not
    name leads the wanted one by :data:`WRONG_LANGUAGE_MARGIN` or more. A refusal names the
    language the wider set ranks first (an Italian text is "in it", not "in es"); the language
    is None where none could be identified (no letters, or a script no detector knows).
    A text the detectors pass is still refused where :data:`FOREIGN_SCRIPT_SHARE` of its
    letters are in a script none of the wanted languages is written in (:func:`foreign_script`),
    naming the script's language (Arabic script: ``ar``): lingua skips scripts it has no model
    for and judges the rest.
    Measured on program messages and their translations (``bench/language_check.py``): clean
    English refused 0.3 % → 0.2 %, Italian caught 66 % → 97 %, Polish 66 % → 100 %.
    """
    wanted = {c.split("-")[0].lower() for c in languages}
    code, confidence, refusal = _judge_detected(text, wanted, min_confidence)
    foreign = foreign_script(text, wanted) if refusal is None else None
    if foreign is not None:
        script, n, total = foreign
        return _SCRIPT_LANGUAGE[script], n / total, (
            f"{n} of {total} letters are in {script.title()} script, not in"
            f" {', '.join(sorted(wanted))}")
    return code, confidence, refusal


def _judge_detected(text: str, wanted: set[str], min_confidence: float
                    ) -> tuple[str | None, float, str | None]:
    """:func:`judge_language` by the detectors alone."""
    first, wide = _ranked(text, wanted)
    best, confidence, mine = _lead(first, wanted)
    other, other_confidence, wanted_confidence = _lead(wide, wanted)
    if best is None:
        return None, 0.0, "no language could be identified"
    if best not in wanted:
        if not (mine >= min_confidence and mine > 0 and confidence - mine < NEAR_MISS_MARGIN):
            named = other if other is not None and other not in wanted else best  # knows more
            return named, confidence, f"text is in {named}, not in {', '.join(sorted(wanted))}"
        best, confidence = next(c for c, v in first if c in wanted), mine
    elif confidence < min_confidence:
        return best, confidence, (f"language {best} identified with confidence "
                                  f"{confidence:.2f} < {min_confidence}")
    if other is not None and other not in wanted and (
            other_confidence - wanted_confidence >= WRONG_LANGUAGE_MARGIN):
        return other, confidence, f"text is in {other}, not in {', '.join(sorted(wanted))}"
    return best, confidence, None
