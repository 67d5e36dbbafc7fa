"""Speech importer of Praat TextGrids (``datamill data import PROJECT DIR --format textgrid``).

A folder of ``<id>.TextGrid`` files, each beside its recording ``<id>.wav`` (or ``.flac``,
``.ogg``), becomes one item per TextGrid, named by ``<id>``, starting from its segments. A
``textgrid/`` folder beside an ``audio/`` one reads the same way, and so does a delivery package
(``textgrid/``, ``audio/<sha256>.wav`` and the ``hf/data.jsonl`` that names each id's audio).

Which tiers hold the transcript:

* ``transcript`` (with ``speaker`` beside it: the speaker of the interval at the same times),
  and the lanes ``transcript_2``/``speaker_2`` ... the ``textgrid`` exporter writes for
  overlapping speech;
* otherwise, a forced alignment's layout (Montreal Forced Aligner: tiers ``words`` and
  ``phones``, or ``<speaker> - words`` and ``<speaker> - phones`` per speaker): the words
  tiers, each run of words with no pause between them one segment (its words joined, no space
  between Chinese characters), the speaker the tier name's prefix; the phones are left out
  (an MFA TextGrid was refused as "segments 1 and 2 overlap", its phones read as a speaker);
* otherwise, one interval tier: its intervals, no speaker;
* otherwise, one interval tier per speaker (a conversation's usual layout), each tier's name
  the speaker of its intervals.

A TextGrid with no interval tier (none, or point tiers only) is refused. Empty intervals are
gaps. Labels are taken as written; a leading ``<flag:NAME>`` (the
exporter's mark of a segment nobody could transcribe) becomes the segment's ``flag``. A negative time
is refused (praatio would read it without its sign). Times are
rounded to whole milliseconds; an end up to 10 ms past the recording (a TextGrid's seconds
rounded up) is the recording's end. Everything else is the project's to judge when the import
validates each item's segments: a negative time, an end past the audio, overlapping segments
where the spec does not allow them are refused with the file named, and nothing is imported.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.importers import _END_SLACK_MS, _segment

__all__ = ["TextGridImporter", "TextGridSourceError"]

_AUDIO = (".wav", ".flac", ".ogg")
#: a quoted label (Praat doubles a quote inside one), and a negative number outside labels
_LABEL = re.compile(r'"(?:[^"]|"")*"')
_NEGATIVE = re.compile(r"(?:^|=)[ \t]*(-[ \t]*[0-9.]+)", re.MULTILINE)
_TRANSCRIPT, _SPEAKER = "transcript", "speaker"
#: a forced alignment's tier (MFA): ``words``/``phones``, or ``<speaker> - words``/``- phones``
_ALIGNED = re.compile(r"^(?:(?P<speaker>.+?) - )?(?P<kind>words|phones)$")


class TextGridSourceError(InvalidInput):
    """A TextGrid cannot be read or has no recording; ``details`` carries ``file``."""

    code = "annotation_file_invalid"


def tiers_code(code: str, names: Any) -> dict[str, Any]:
    """A tier refusal's ``reason_code`` and ``tiers`` (the names it has, quoted):
    ``textgrid_no_tiers`` when it has none."""
    tiers = [repr(n) for n in names]
    return {"reason_code": code, "tiers": tiers} if tiers else {"reason_code": "textgrid_no_tiers"}


def _grids(folder: Path) -> tuple[Path, list[Path]]:
    """The folder holding the TextGrids (``folder`` or its ``textgrid/``) and the files."""
    for where in (folder, folder / "textgrid"):
        found = sorted(p for p in where.glob("*.TextGrid") if p.is_file()) \
            if where.is_dir() else []
        if found:
            return where, found
    return folder, []


def _negative_time(file: Path) -> str | None:
    """The first negative time of ``file`` (a TextGrid in UTF-16 or UTF-8, as praatio reads
    it), or None. praatio reads ``xmin = -0.5`` as 0.5: the sign must be looked for here."""
    try:
        text = file.read_text(encoding="utf-16")
    except UnicodeError:
        text = file.read_text(encoding="utf-8", errors="replace")
    found = _NEGATIVE.search(_LABEL.sub('""', text))
    return found.group(1).replace(" ", "") if found else None


def read_grid(file: Path) -> Any:
    """``file`` read by praatio (empty intervals left out), or a :class:`TextGridSourceError`
    naming it: a negative time (which praatio would read without its sign) or a file praatio
    cannot read. Shared by the speech and TTS TextGrid importers."""
    from praatio import textgrid as tgio  # noqa: PLC0415 - only when importing

    if (negative := _negative_time(file)) is not None:
        raise TextGridSourceError(f"{file.name}: time {negative} s is negative (a "
                                  "recording starts at 0)", file=file.name,
                                  reason_code="textgrid_negative_time", time=negative)
    try:
        return tgio.openTextgrid(str(file), includeEmptyIntervals=False)
    except Exception as err:  # noqa: BLE001 - praatio raises many kinds on bad files
        why = f"{type(err).__name__}: {err}"[:200]
        raise TextGridSourceError(f"{file.name}: not a TextGrid praatio reads ({why})"[:300],
                                  file=file.name, reason_code="textgrid_unreadable",
                                  why=why) from err


def _ms(seconds: float, where: str) -> int:
    if not math.isfinite(seconds):
        raise TextGridSourceError(f"{where}: time {seconds} is not a finite number", file=where,
                                  reason_code="textgrid_time_not_finite", time=str(seconds))
    return round(seconds * 1000)


def _spans(tier: Any, where: str) -> list[tuple[int, int, str]]:
    return [(_ms(e.start, where), _ms(e.end, where), e.label) for e in tier.entries
            if e.label.strip()]


def _aligned_words(tiers: dict[str, Any]) -> dict[str | None, Any] | None:
    """The words tiers by speaker when every tier is a forced alignment's (``_ALIGNED``) and
    one holds words; else None."""
    kinds = {name: _ALIGNED.match(name.strip()) for name in tiers}
    if not kinds or not all(kinds.values()):
        return None
    words = {m["speaker"]: tiers[name] for name, m in kinds.items()
             if m is not None and m["kind"] == "words"}
    return words or None


def _phrases(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Each run of words that touch (the next starts where one ends: no pause between them)
    as one span, its words joined (no space between Chinese characters)."""
    from datamill.modalities.speech.exporters._common import clean_transcript  # noqa: PLC0415

    runs: list[list[tuple[int, int, str]]] = []
    for word in sorted(words):
        if runs and word[0] <= runs[-1][-1][1]:
            runs[-1].append(word)
        else:
            runs.append([word])
    return [(run[0][0], max(w[1] for w in run), clean_transcript(" ".join(w[2] for w in run)))
            for run in runs]


def _segments(grid: Any, where: str) -> list[dict[str, Any]]:
    """The grid's segments by the tier layout of the module docstring, in start order."""
    from praatio.utilities.constants import INTERVAL_TIER  # noqa: PLC0415

    tiers = {name: grid.getTier(name) for name in grid.tierNames
             if grid.getTier(name).tierType == INTERVAL_TIER}
    if not tiers:  # read as no speech at all: an item "labelled" with nothing
        shown = ", ".join(repr(n) for n in grid.tierNames) or "none"
        raise TextGridSourceError(f"{where}: no interval tier to read the transcript from "
                                  f"(its tiers: {shown})"[:300], file=where,
                                  **tiers_code("textgrid_no_interval_tier", grid.tierNames))
    found: list[tuple[int, int, str, str | None]] = []
    if _TRANSCRIPT in tiers:
        lane = 1
        while (name := _TRANSCRIPT + (f"_{lane}" if lane > 1 else "")) in tiers:
            speakers = {(s, e): label for s, e, label in
                        _spans(tiers[_SPEAKER + name[len(_TRANSCRIPT):]], where)} \
                if _SPEAKER + name[len(_TRANSCRIPT):] in tiers else {}
            found += [(s, e, text, speakers.get((s, e))) for s, e, text in
                      _spans(tiers[name], where)]
            lane += 1
    elif (aligned := _aligned_words(tiers)) is not None:
        found = [(s, e, text, speaker) for speaker, tier in aligned.items()
                 for s, e, text in _phrases(_spans(tier, where))]
    elif len(tiers) == 1:
        found = [(s, e, text, None) for s, e, text in _spans(next(iter(tiers.values())), where)]
    else:
        found = [(s, e, text, name.strip() or None) for name, tier in tiers.items()
                 for s, e, text in _spans(tier, where)]
    out = []
    for start, end, text, speaker in sorted(found, key=lambda f: (f[0], f[1])):
        segment = _segment(start, end, text)
        segment["speaker"] = speaker.strip() if speaker and speaker.strip() else None
        out.append(segment)
    return out


class TextGridImporter:
    """Reads a folder of TextGrids beside their recordings (see the module docstring)."""

    name: ClassVar[str] = "textgrid"

    def detect(self, path: Path) -> float:
        """0.9 for a folder with ``.TextGrid`` files (or a ``textgrid/`` folder of them)."""
        path = Path(path)
        return 0.9 if path.is_dir() and _grids(path)[1] else 0.0

    @staticmethod
    def _packaged(folder: Path) -> dict[str, str]:
        """A delivery package's audio file name per item id (its ``hf/data.jsonl``), or {}."""
        rows = folder / "hf" / "data.jsonl"
        if not rows.is_file():
            return {}
        named: dict[str, str] = {}
        with rows.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                    named[str(row["id"])] = Path(str(row["audio"])).name
                except (ValueError, KeyError, TypeError):
                    continue  # not a package's row: the TextGrid's own audio is looked for
        return named

    @staticmethod
    def _audio(folder: Path, grids: Path, stem: str, packaged: dict[str, str]) -> Path:
        for where in (grids, folder / "audio", folder):
            for suffix in _AUDIO:
                if (where / f"{stem}{suffix}").is_file():
                    return where / f"{stem}{suffix}"
        if stem in packaged and (folder / "audio" / packaged[stem]).is_file():
            return folder / "audio" / packaged[stem]
        also = (folder / "audio").is_dir()
        raise TextGridSourceError(
            f"{stem}.TextGrid: no recording {stem}.wav (or .flac, .ogg) beside it"
            + (" or in audio/" if also else ""), file=f"{stem}.TextGrid", stem=stem,
            reason_code="textgrid_no_recording_audio" if also else "textgrid_no_recording")

    def iter_items(self, path: Path) -> Iterator[tuple[Path, list[dict[str, Any]], str]]:
        """Yield ``(audio path, segments, item id)`` per TextGrid, in file-name order.

        Raises:
            TextGridSourceError: A file praatio cannot read, or one without its recording.
        """
        import soundfile  # noqa: PLC0415

        folder = Path(path)
        grids, files = _grids(folder)
        packaged = self._packaged(folder) if files else {}
        read: list[tuple[Path, list[dict[str, Any]], str]] = []
        for file in files:  # everything is read before the first item is yielded
            stem = file.name[: -len(".TextGrid")]
            audio = self._audio(folder, grids, stem, packaged)
            grid = read_grid(file)
            segments = _segments(grid, file.name)
            try:
                info = soundfile.info(str(audio))
                length = round(info.frames * 1000 / info.samplerate)
            except (OSError, RuntimeError):
                length = None  # not audio: the import names it
            if length is not None:
                for segment in segments:
                    if length < segment["end_ms"] <= length + _END_SLACK_MS:
                        segment["end_ms"] = length
            read.append((audio, segments, stem))
        yield from read
