"""Kaldi speaker ids that keep a data directory's sort orders in agreement.

Kaldi's ``utils/validate_data_dir.sh`` wants ``utt2spk`` in the same order whether it is sorted
on the utterance id or on the speaker id, which holds when every utterance id is its speaker id
followed by ``-``, *and* no speaker id extends another by a character that sorts at or below
``-`` (``! " # $ % & ' ( ) * + , -``): beside ``F01``, speaker ``F01-2``'s utterance
``F01-2-a1`` sorts before ``F01``'s ``F01-u0``, and ``a+b-y`` before ``a-x``.

So a Kaldi speaker id writes each of those characters as ``_`` (``F01-2`` → ``F01_2``,
``a+b`` → ``a_b``); ids without them (``SPK01``, ``spk_01``, ``张三``) stay as they are. Where
two speakers would then share an id (``a-b`` and ``a_b``), the later one gets ``_2`` (``_3``,
...) until it is free, so two people are never merged. Ids are given in the order speakers are
first seen.

>>> ids = KaldiSpeakers()
>>> [ids.id(s) for s in ("F01", "F01-2", "a_b", "a-b", "a-b", "a+b")]
['F01', 'F01_2', 'a_b', 'a_b_2', 'a_b_2', 'a_b_3']
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["KaldiSpeakers", "kaldi_speaker"]

#: the characters that sort at or below the ``-`` that joins a speaker id to an utterance id
_LOW: Final = re.compile(r"[!-\-]")


def kaldi_speaker(speaker: str) -> str:
    """``speaker`` with each character from ``!`` to ``-`` written ``_``.

    >>> kaldi_speaker("spk-01"), kaldi_speaker("SPK01")
    ('spk_01', 'SPK01')
    """
    return _LOW.sub("_", speaker)


class KaldiSpeakers:
    """Each speaker's Kaldi id (:func:`kaldi_speaker`, told apart where two would clash);
    memory grows with the speakers."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._taken: set[str] = set()

    def id(self, speaker: str) -> str:
        """The Kaldi id of ``speaker`` (the same every time it is asked)."""
        known = self._ids.get(speaker)
        if known is not None:
            return known
        base = name = kaldi_speaker(speaker)
        n = 1
        while name in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._ids[speaker] = name
        self._taken.add(name)
        return name
