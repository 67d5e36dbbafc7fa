"""Praat TextGrid exporter: one ``<utterance_id>.TextGrid`` per item.

Each file spans ``xmin = 0`` to ``xmax = duration`` seconds (extended to the last segment end
if a segment runs past the stated duration) and holds two interval tiers:

* ``transcript``: one interval per non-empty segment, labelled with its text (noise symbols
  kept as written);
* ``speaker``: the same intervals, labelled with the segment's speaker (empty when the
  segment names none: read back, it names none still, not the item's ``speaker_id``).

Overlapping speech (a spec with ``allow_overlapping_segments: true``) cannot sit in one interval
tier: the segments are then laid out in lanes, each a pair of tiers. ``transcript`` and
``speaker`` hold every segment that overlaps no earlier one; a segment that overlaps one in
every lane so far opens the next, ``transcript_2`` and ``speaker_2``, and so on (each segment
goes into the first lane where it fits, in start order). A reader of the ``speaker`` tiers gets
who said each overlapping stretch; a file without overlaps has the two tiers only.

Gaps between segments are written as empty intervals, as Praat expects. Segments with empty
text are skipped. Files are in Praat's "long" text format, byte for byte as praatio writes it
(but without building praatio's objects: see ``_render``); praatio reads every one back. Past
the first 2,000 files a second process creates them (:class:`~datamill.core.file_sink.FileSink`).
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, ClassVar, Final

from datamill.core.errors import InvalidInput
from datamill.core.file_sink import FileSink
from datamill.modalities.base import ExportManifest
from datamill.modalities.shards import Part, merge_shard_folders
from datamill.modalities.speech.types import ExportItem, Segment

from ._common import UniqueIds, check_id, check_segment, clean_text, clean_transcript

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

__all__ = ["SPEAKER_TIER", "TRANSCRIPT_TIER", "TextGridExporter"]

TRANSCRIPT_TIER: Final = "transcript"
SPEAKER_TIER: Final = "speaker"


def _labelled_segments(item: ExportItem) -> list[tuple[Segment, str]]:
    """Return the validated non-empty segments of ``item`` with cleaned text, by start time."""
    kept = [
        (segment, text)
        for index, segment in enumerate(item.segments)
        if (text := clean_transcript(check_segment(item, index, segment).text))
    ]
    kept.sort(key=lambda pair: (pair[0].start_ms, pair[0].end_ms))
    return kept


def _lanes(kept: list[tuple[Segment, str]]) -> list[list[tuple[Segment, str]]]:
    """``kept`` (in start order) laid out in lanes of segments that do not overlap: each
    segment in the first lane whose last segment has ended by its start."""
    lanes: list[list[tuple[Segment, str]]] = []
    for pair in kept:
        for lane in lanes:
            if lane[-1][0].end_ms <= pair[0].start_ms:
                lane.append(pair)
                break
        else:
            lanes.append([pair])
    return lanes


def _seconds(ms: int) -> str:
    """``ms`` as praatio writes the float ``ms / 1000`` (``my_math.numToStr``): whole seconds
    as an integer, anything else as the float's shortest ``repr``."""
    whole, frac = divmod(ms, 1000)
    if not frac:
        return str(whole)
    value = ms / 1000
    if abs(value - int(value)) <= 1e-14 * max(abs(value), abs(int(value))):
        return str(int(value))  # praatio's "close to whole" rule (only for enormous times)
    return repr(value)


_HEAD: Final = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0 \nxmax = '
_TIERS: Final = ' \ntiers? <exists> \nsize = 2 \nitem []: \n'


def _render(item: ExportItem) -> str:
    """The item's TextGrid in Praat's long text format, exactly as praatio 6 saves it
    (``save(format="long_textgrid", includeBlankSpaces=True)``): the gaps before, between and
    after the segments become empty intervals; labels have their double quotes doubled.

    Written from templates rather than through praatio's objects: the same bytes at a fraction
    of the cost (tests compare both on many cases and read every file back with praatio).
    """
    kept = _labelled_segments(item)
    end_ms = max([item.duration_ms, *(segment.end_ms for segment, _ in kept)])
    if end_ms <= 0:
        raise InvalidInput(
            f"utterance {item.utterance_id!r} has no duration",
            utterance_id=item.utterance_id,
            field="duration_ms",
        )
    if any(after.start_ms < before.end_ms
           for (before, _), (after, _) in itertools.pairwise(kept)):
        return _render_lanes(item, _lanes(kept), end_ms)
    # each interval's text up to its label (the same in both tiers), and its two labels
    heads: list[str] = []
    transcript: list[str] = []
    speakers: list[str] = []
    previous = 0
    for segment, text in kept:
        start = segment.start_ms
        if previous < start:
            heads.append(_interval(len(heads) + 1, previous, start))
            transcript.append("")
            speakers.append("")
        heads.append(_interval(len(heads) + 1, start, segment.end_ms))
        transcript.append(text.replace('"', '""'))
        speakers.append(clean_text(segment.speaker or "").replace('"', '""'))
        previous = segment.end_ms
    if previous < end_ms or not heads:
        heads.append(_interval(len(heads) + 1, previous, end_ms))
        transcript.append("")
        speakers.append("")
    xmax = _seconds(end_ms)
    tier_tail = f' \n        xmin = 0 \n        xmax = {xmax} \n        intervals: size = {len(heads)} \n'
    parts = [_HEAD, xmax, _TIERS]
    for number, name, labels in ((1, TRANSCRIPT_TIER, transcript), (2, SPEAKER_TIER, speakers)):
        parts.append(f'    item [{number}]:\n        class = "IntervalTier" \n        name = "{name}"')
        parts.append(tier_tail)
        for head, label in zip(heads, labels, strict=True):
            parts.append(head)
            parts.append(label)
            parts.append('" \n')
    return "".join(parts)


def _tier_lines(
    number: int, name: str, spans: list[tuple[int, int, str]], end_ms: int
) -> list[str]:
    """One interval tier in the long text format, the gaps around ``spans`` (start order,
    no overlaps) written as empty intervals."""
    intervals: list[tuple[int, int, str]] = []
    previous = 0
    for start, end, label in spans:
        if previous < start:
            intervals.append((previous, start, ""))
        intervals.append((start, end, label))
        previous = end
    if previous < end_ms or not intervals:
        intervals.append((previous, end_ms, ""))
    parts = [f'    item [{number}]:\n        class = "IntervalTier" \n        name = "{name}"',
             f" \n        xmin = 0 \n        xmax = {_seconds(end_ms)} \n"
             f"        intervals: size = {len(intervals)} \n"]
    for index, (start, end, label) in enumerate(intervals, start=1):
        parts.append(_interval(index, start, end))
        parts.append(label.replace('"', '""'))
        parts.append('" \n')
    return parts


def _render_lanes(
    item: ExportItem, lanes: list[list[tuple[Segment, str]]], end_ms: int
) -> str:
    """An item with overlapping segments: a ``transcript``/``speaker`` pair of tiers per lane
    (``transcript_2``, ``speaker_2`` ...), as praatio saves such a grid."""
    xmax = _seconds(end_ms)
    parts = [_HEAD, xmax, f" \ntiers? <exists> \nsize = {2 * len(lanes)} \nitem []: \n"]
    for index, lane in enumerate(lanes):
        suffix = f"_{index + 1}" if index else ""
        spans = [(segment.start_ms, segment.end_ms, text) for segment, text in lane]
        speakers = [(segment.start_ms, segment.end_ms,
                     clean_text(segment.speaker or "")) for segment, _ in lane]
        parts += _tier_lines(2 * index + 1, TRANSCRIPT_TIER + suffix, spans, end_ms)
        parts += _tier_lines(2 * index + 2, SPEAKER_TIER + suffix, speakers, end_ms)
    return "".join(parts)


def _interval(number: int, start_ms: int, end_ms: int) -> str:
    """An interval's lines up to the opening quote of its label."""
    return (
        f"        intervals [{number}]:\n            xmin = {_seconds(start_ms)} \n"
        f'            xmax = {_seconds(end_ms)} \n            text = "'
    )


class TextGridExporter:
    """Write one Praat TextGrid per utterance (see the module docstring)."""

    name: ClassVar[str] = "textgrid"
    #: files written by this process before a child process takes over (core.file_sink)
    inline_files: ClassVar[int] = 2000

    def export(self, items: Iterable[ExportItem], out_dir: Path) -> ExportManifest:
        """Export ``items`` as ``out_dir/<utterance_id>.TextGrid`` files.

        Args:
            items: Utterances to export; consumed once, one item in memory at a time.
            out_dir: Output folder, created if missing.

        Returns:
            The manifest: every written file with its sha256, and the number of items.

        Raises:
            InvalidInput: Duplicate utterance id, an id unusable as a file name, segments with
                invalid times, or an item without duration.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        seen = UniqueIds()
        # files are created by a second process once there are many (core.file_sink): the
        # kernel's file creation was a third of a 100k export's time
        with FileSink(out_dir, inline=self.inline_files) as sink:
            for item in items:
                seen.add(item.utterance_id)
                check_id(item.utterance_id, field="utterance_id", utterance_id=item.utterance_id)
                text = _render(item)
                if os.linesep != "\n":  # praatio writes in text mode
                    text = text.replace("\n", os.linesep)
                sink.write(f"{item.utterance_id}.TextGrid", text.encode("utf-8"))
            files = sink.close()  # each file's sha256, of what was written (not re-read)
        return ExportManifest(format=self.name, files=files, items=len(seen))

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (see :mod:`datamill.modalities.shards`): their files side by
        side; an utterance id two shards both wrote is refused, as a duplicate is."""
        return merge_shard_folders(self.name, parts, out_dir)
