"""The speech workbench's segment problems in the page's language (display layer only).

:func:`datamill.modalities.speech.segments.validate_segments` and the speaker-list check
(:mod:`datamill.production.speech.speakers`) return English sentences of fixed shapes; a page
in another language shows the catalogue's ``sp.problem.<kind>`` sentence filled from them.
English pages, and sentences of any other shape, show the text unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["segment_problem"]

_WHERE = r"segment (?P<n>\d+) \((?P<start>-?\d+)-(?P<end>-?\d+) ms\)"
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("required", re.compile(r"^transcript: required, but empty")),
    ("outside", re.compile(_WHERE + r" lies outside the audio \(0-(?P<duration>\d+) ms\)$")),
    ("order", re.compile(_WHERE + r" ends before it starts$")),
    ("speaker_long", re.compile(_WHERE + r" names a speaker of (?P<chars>[\d,]+) characters; "
                                r"a speaker id has at most (?P<most>\d+)$")),
    ("speaker_chars", re.compile(_WHERE + r" names speaker (?P<speaker>.+), which no delivery "
                                 r"format can name \(.+\); write it as (?P<spelling>.+)$")),
    ("flag", re.compile(_WHERE + r" has unknown flag (?P<flag>.+?); allowed: (?P<allowed>.+)$")),
    ("noise", re.compile(_WHERE + r" uses unknown noise symbols (?P<symbols>.+?); "
                         r"allowed: (?P<allowed>.+)$")),
    ("unclosed", re.compile(_WHERE + r" has an unclosed bracket: (?P<fragment>.+?); write a "
                            r"noise symbol whole, like (?P<example>.+)$")),
    ("overlap", re.compile(r"^segments (?P<n>\d+) and (?P<m>\d+) overlap \((?P<start>\d+) < "
                           r"(?P<end>\d+) ms\)$")),
    ("speaker", re.compile(r"^segment (?P<n>\d+) has speaker (?P<speaker>.+?), not on the "
                           r"project's list \((?P<allowed>.*)\)$")),
)


def segment_problem(tr: Callable[[str], str], lang: str) -> Callable[[str], str]:
    """A function giving one problem sentence in the page's language."""

    def sentence(text: str) -> str:
        if lang == "en":
            return text
        for kind, shape in _SHAPES:
            if (m := shape.match(text)) is not None:
                template = tr(f"sp.problem.{kind}")
                if template == f"sp.problem.{kind}":
                    return text
                try:
                    return template.format(**m.groupdict())
                except (KeyError, IndexError, ValueError):
                    return text
        return text

    return sentence
