"""Validation and formatting shared by the speech exporters (internal)."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from datamill.core.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.speech.types import ExportItem, Segment

__all__ = [
    "BAD_ID_CHARS",
    "UniqueIds",
    "check_id",
    "check_segment",
    "clean_text",
    "clean_transcript",
    "ms_to_seconds",
    "resolved",
]


def resolved(path: Path, folders: dict[str, tuple[str, bool]]) -> str:
    """``str(path.resolve())`` with each folder resolved once (``folders`` caches them).

    ``Path.resolve`` walks every component with an ``lstat``: seven system calls per exported
    utterance. A file that is itself a symbolic link is still resolved in full; a file in a
    folder that does not exist (a delivery's final media folder, while the package is staged)
    cannot be one, so it costs no system call at all. Folders are taken not to change during
    one export.
    """
    text = os.fspath(path)
    parent, name = os.path.split(text)
    if not name or name in (".", ".."):
        return str(path.resolve())
    known = folders.get(parent)
    if known is None:
        real = os.path.realpath(parent or ".")
        known = folders[parent] = (real, os.path.isdir(real))
    real, exists = known
    if exists and os.path.islink(text):
        return str(path.resolve())
    return os.path.join(real, name)


#: Ids become Kaldi keys and file names: no whitespace, control characters or path separators.
BAD_ID_CHARS = re.compile(r"[\s\x00-\x1f\x7f/\\]")


def check_id(value: str, *, field: str, utterance_id: str) -> str:
    """Return ``value`` if it can serve as a Kaldi key and a file name.

    Args:
        value: The id to check.
        field: The item field it came from (named in the error).
        utterance_id: The utterance it belongs to (named in the error).

    Returns:
        ``value`` unchanged.

    Raises:
        InvalidInput: The id is empty, ``.``/``..``, or holds whitespace, control
            characters or path separators.
    """
    if not value or value in {".", ".."} or BAD_ID_CHARS.search(value):
        raise InvalidInput(
            f"{field} {value!r} of utterance {utterance_id!r} is empty or contains "
            "whitespace, control characters or path separators",
            utterance_id=utterance_id,
            field=field,
            value=value,
        )
    return value


class UniqueIds:
    """Remembers utterance ids seen so far; a repeat is an error.

    Only the id strings are kept, never the items, so memory stays small.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, utterance_id: str) -> None:
        """Record ``utterance_id``.

        Raises:
            InvalidInput: The id was already exported.
        """
        if utterance_id in self._seen:
            raise InvalidInput(
                f"duplicate utterance id {utterance_id!r}",
                utterance_id=utterance_id,
                field="utterance_id",
            )
        self._seen.add(utterance_id)


def check_segment(item: ExportItem, index: int, segment: Segment) -> Segment:
    """Return ``segment`` if its times are usable (``0 <= start_ms < end_ms``).

    Raises:
        InvalidInput: The segment starts before zero or does not end after it starts.
    """
    if segment.start_ms < 0 or segment.end_ms <= segment.start_ms:
        raise InvalidInput(
            f"segment {index} of utterance {item.utterance_id!r} has invalid times "
            f"[{segment.start_ms}, {segment.end_ms}) ms",
            utterance_id=item.utterance_id,
            field=f"segments[{index}]",
        )
    return segment


def clean_text(text: str) -> str:
    r"""Collapse runs of whitespace (newlines included) to single spaces and strip.

    Noise symbols such as ``[noise]`` are ordinary tokens and are kept as they are.

    Examples:
        >>> clean_text("  hello\n [noise]  world ")
        'hello [noise] world'
    """
    return " ".join(text.split())


#: Han and kana, written without spaces between words; not Hangul: Korean separates its words
#: with spaces (scoring keeps them too, datamill.qc.text_norm), so 저는 학생입니다 stays two words
_CJK_CHAR = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_CJK_PUNCT = r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
#: a space between two CJK characters, or next to CJK / full-width punctuation
_CJK_GAP = re.compile(rf"(?<={_CJK_PUNCT}) | (?={_CJK_PUNCT})|(?<={_CJK_CHAR}) (?={_CJK_CHAR})")


def clean_transcript(text: str) -> str:
    r""":func:`clean_text`, and no space between two Chinese/Japanese characters or next
    to full-width punctuation: such spaces are not part of the transcript (scoring ignores
    them), so one delivery never has ``春 眠 不 觉`` beside ``春眠不觉``. A space between a
    Chinese character and a Latin word or a noise symbol stays, and so do the spaces between
    Korean words.

    Examples:
        >>> clean_transcript("春 眠 不 觉 晓 ， 处 处 闻 啼 鸟 。")
        '春眠不觉晓，处处闻啼鸟。'
        >>> clean_transcript("[noise] 打开 WiFi ， 然后 连接")
        '[noise] 打开 WiFi，然后连接'
        >>> clean_transcript("저는  학생입니다")
        '저는 학생입니다'
    """
    return _CJK_GAP.sub("", clean_text(text))


def ms_to_seconds(ms: int) -> str:
    """Format integer milliseconds as seconds with exactly three decimals, without float error.

    Examples:
        >>> ms_to_seconds(1234)
        '1.234'
        >>> ms_to_seconds(50)
        '0.050'
    """
    sign = "-" if ms < 0 else ""
    whole, frac = divmod(abs(ms), 1000)
    return f"{sign}{whole}.{frac:03d}"
