"""The one table of gender words: what a manifest, a collection form or a spec may write.

Quotas (:func:`datamill.production.collection_spec.canonical_gender`) and the Kaldi exporter's
``spk2gender`` (``m``/``f``) both read gender through :func:`canonical_gender`, so a speaker a
quota counts as a woman is exported as one (``W`` was a woman to the quotas and an unknown
gender to the exporter, which then left out the whole delivery's ``spk2gender``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["GENDER_WORDS", "canonical_gender", "kaldi_gender"]

GENDER_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "female": ("f", "female", "woman", "w", "女", "女性", "女声"),
    "male": ("m", "male", "man", "男", "男性", "男声"),
}
"""The words (casefolded) of each canonical gender."""

_GENDER_OF: Final = {w: g for g, words in GENDER_WORDS.items() for w in words}
_KALDI: Final = {"female": "f", "male": "m"}


def canonical_gender(value: str) -> str:
    """``female`` or ``male`` for the usual words of a manifest or spec (``F``, ``Woman``,
    ``女``, ``男性`` ...), else ``value`` casefolded and stripped.

    >>> canonical_gender(" F "), canonical_gender("男"), canonical_gender("Other")
    ('female', 'male', 'other')
    """
    key = value.strip().casefold()
    return _GENDER_OF.get(key, key)


def kaldi_gender(value: str | None) -> str | None:
    """Kaldi's ``spk2gender`` letter (``m``/``f``) for a gender word; None when unknown.

    >>> kaldi_gender("女声"), kaldi_gender("W"), kaldi_gender("x"), kaldi_gender(None)
    ('f', 'f', None, None)
    """
    return None if value is None else _KALDI.get(canonical_gender(value))
