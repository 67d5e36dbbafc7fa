"""The automatic language check every modality shares: :func:`judge_language`.

Lingua's best language among the wanted ones plus :data:`EXTRA_LANGUAGES` (models ship inside
the lingua wheel, loaded on first use), a near-miss margin for short texts full of names, and a
second opinion over :data:`SECOND_OPINION_LANGUAGES` that names languages the first detector
does not know. The text modality checks a document with it, the LLM modality each turn and
response; ``bench/language_check.py`` measures both on held-out translations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Final

__all__ = [
    "EXTRA_LANGUAGES",
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
    Measured on program messages and their translations (``bench/language_check.py``): clean
    English refused 0.3 % → 0.2 %, Italian caught 66 % → 97 %, Polish 66 % → 100 %.
    """
    wanted = {c.split("-")[0].lower() for c in languages}
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
