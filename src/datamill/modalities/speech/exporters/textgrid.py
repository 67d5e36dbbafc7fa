"""Praat TextGrid exporter: one ``<utterance_id>.TextGrid`` per item.

Each file spans ``xmin = 0`` to ``xmax = duration`` seconds (extended to the last segment end
if a segment runs past the stated duration) and holds two interval tiers:

* ``transcript``: one interval per non-empty segment, labelled with its text (noise symbols
  kept as written);
* ``speaker``: the same intervals, labelled with the segment's speaker, or the item's
  ``speaker_id`` when the segment names none.

Gaps between segments are written as empty intervals, as Praat expects. Segments with empty
text are skipped. Files are written with praatio in the "long" text format.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, ClassVar, Final

from praatio import textgrid as tgio
from praatio.utilities.constants import Interval

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ExportManifest
from datamill.modalities.speech.types import ExportItem, Segment

from ._checksums import sha256_file
from ._common import UniqueIds, check_id, check_segment, clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["SPEAKER_TIER", "TRANSCRIPT_TIER", "TextGridExporter"]

TRANSCRIPT_TIER: Final = "transcript"
SPEAKER_TIER: Final = "speaker"


def _labelled_segments(item: ExportItem) -> list[tuple[Segment, str]]:
    """Return the validated non-empty segments of ``item`` with cleaned text, by start time."""
    kept = [
        (segment, text)
        for index, segment in enumerate(item.segments)
        if (text := clean_text(check_segment(item, index, segment).text))
    ]
    kept.sort(key=lambda pair: (pair[0].start_ms, pair[0].end_ms))
    for (before, _), (after, _) in itertools.pairwise(kept):
        if after.start_ms < before.end_ms:
            raise InvalidInput(
                f"utterance {item.utterance_id!r} has overlapping segments "
                f"[{before.start_ms}, {before.end_ms}) and [{after.start_ms}, {after.end_ms}) ms; "
                "a TextGrid interval tier cannot hold them",
                utterance_id=item.utterance_id,
                field="segments",
            )
    return kept


def _build(item: ExportItem) -> tgio.Textgrid:
    kept = _labelled_segments(item)
    end_ms = max([item.duration_ms, *(segment.end_ms for segment, _ in kept)])
    if end_ms <= 0:
        raise InvalidInput(
            f"utterance {item.utterance_id!r} has no duration",
            utterance_id=item.utterance_id,
            field="duration_ms",
        )
    xmax = end_ms / 1000
    transcript = [Interval(s.start_ms / 1000, s.end_ms / 1000, text) for s, text in kept]
    speakers = [
        Interval(s.start_ms / 1000, s.end_ms / 1000, clean_text(s.speaker or item.speaker_id))
        for s, _ in kept
    ]
    grid = tgio.Textgrid(0.0, xmax)
    grid.addTier(tgio.IntervalTier(TRANSCRIPT_TIER, transcript, 0.0, xmax), reportingMode="error")
    grid.addTier(tgio.IntervalTier(SPEAKER_TIER, speakers, 0.0, xmax), reportingMode="error")
    return grid


class TextGridExporter:
    """Write one Praat TextGrid per utterance (see the module docstring)."""

    name: ClassVar[str] = "textgrid"

    def export(self, items: Iterable[ExportItem], out_dir: Path) -> ExportManifest:
        """Export ``items`` as ``out_dir/<utterance_id>.TextGrid`` files.

        Args:
            items: Utterances to export; consumed once, one item in memory at a time.
            out_dir: Output folder, created if missing.

        Returns:
            The manifest: every written file with its sha256, and the number of items.

        Raises:
            InvalidInput: Duplicate utterance id, an id unusable as a file name, segments with
                invalid times, overlapping segments, or an item without duration.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        seen = UniqueIds()
        files: dict[str, str] = {}
        for item in items:
            seen.add(item.utterance_id)
            check_id(item.utterance_id, field="utterance_id", utterance_id=item.utterance_id)
            rel = f"{item.utterance_id}.TextGrid"
            path = out_dir / rel
            _build(item).save(
                str(path),
                format="long_textgrid",
                includeBlankSpaces=True,
                reportingMode="error",
            )
            files[rel] = sha256_file(path)
        return ExportManifest(format=self.name, files=files, items=len(seen))
