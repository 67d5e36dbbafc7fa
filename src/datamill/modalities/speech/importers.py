"""Speech importers of pre-labelled sources (``datamill.importers`` entry points).

**Kaldi data directory** (:class:`KaldiImporter`), as the ``kaldi`` exporter writes it and as
Kaldi/ESPnet recipes keep their corpora: ``wav.scp`` (``<recording-id> <audio path>``),
``text`` (``<utt-id> <transcript>``) and, optionally, ``segments`` (``<utt-id> <recording-id>
<start s> <end s>``). Without ``segments`` each utterance is its whole recording (its length
from ``reco2dur`` when present, else read from the audio file's header). Each recording becomes
one item, named by its recording id: its audio file and the list of its segments in start order, texts as written (noise
symbols kept), a leading ``<flag:NAME>`` tag (the exporter's mark of a segment the annotator
could not transcribe) read back as the segment's ``flag``. A relative audio path is taken from
the data directory. With ``utt2spk``, a segment's speaker is its utterance's, unless that is the
recording's own speaker (a recording id ``<speaker>-...``, as the ``kaldi`` exporter names
them) or a placeholder (the utterance or recording id itself). Pipes (``sox ... |``) and ``ark:`` entries are refused: an item is a file.

Everything is read and checked before the first item is yielded; problems raise
:class:`KaldiSourceError` naming the file and line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.types import SEGMENT_FLAGS

__all__ = ["KaldiImporter", "KaldiSourceError"]

_FLAG = re.compile(r"^<flag:([a-z_]+)>\s*")


class KaldiSourceError(InvalidInput):
    """A Kaldi data directory is malformed; ``details`` carries ``file`` and ``line``."""

    code = "annotation_file_invalid"


def _lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a Kaldi table file: the key, then the rest as one field."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise KaldiSourceError(f"{path.name}: not UTF-8 (byte {err.start})", file=path.name) \
            from err
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line.strip().split(maxsplit=1)


def _seconds_ms(value: str, where: str, file: str, line: int) -> int:
    try:
        seconds = float(value)
    except ValueError:
        raise KaldiSourceError(f"{where}: {value!r} is not a time in seconds", file=file,
                               line=line) from None
    if not seconds >= 0 or seconds != seconds or seconds == float("inf"):
        raise KaldiSourceError(f"{where}: time {value} is not a finite, non-negative number",
                               file=file, line=line)
    return round(seconds * 1000)


#: how far a segment may end past its audio and be taken as ending with it: Kaldi writes
#: times in seconds to two decimals, so a segment ending on the last frame can read 10 ms long
_END_SLACK_MS = 10


def _segment(start_ms: int, end_ms: int, transcript: str,
             speaker: str | None = None) -> dict[str, Any]:
    flag = None
    match = _FLAG.match(transcript)
    if match and match.group(1) in SEGMENT_FLAGS:
        flag, transcript = match.group(1), transcript[match.end():]
    return {"start_ms": start_ms, "end_ms": end_ms, "text": transcript.strip(),
            "speaker": speaker, "noise": [], "flag": flag}


def _speakers(folder: Path) -> dict[str, str]:
    """``utt2spk`` as a mapping (empty without the file)."""
    if not (folder / "utt2spk").is_file():
        return {}
    return {fields[0]: fields[1].strip() for _n, fields in _lines(folder / "utt2spk")
            if len(fields) == 2}  # noqa: PLR2004 - key and speaker


def _speaker(speakers: dict[str, str], utt: str, reco: str) -> str | None:
    spk = speakers.get(utt)
    if not spk or spk in (utt, reco) or reco.startswith(f"{spk}-"):
        return None  # the recording's own speaker, or a placeholder
    return spk


class KaldiImporter:
    """Reads a Kaldi data directory (see the module docstring)."""

    name: ClassVar[str] = "kaldi"

    def detect(self, path: Path) -> float:
        """0.9 with ``wav.scp`` and ``text``, 0.3 with ``wav.scp`` alone, else 0."""
        path = Path(path)
        if not path.is_dir() or not (path / "wav.scp").is_file():
            return 0.0
        return 0.9 if (path / "text").is_file() else 0.3

    def _recordings(self, folder: Path) -> dict[str, Path]:
        recordings: dict[str, Path] = {}
        for number, fields in _lines(folder / "wav.scp"):
            where = f"wav.scp line {number}"
            if len(fields) != 2:  # noqa: PLR2004 - key and path
                raise KaldiSourceError(f"{where}: needs a recording id and an audio path",
                                       file="wav.scp", line=number)
            key, target = fields
            if target.endswith("|") or target.startswith("ark:") or ".ark:" in target:
                raise KaldiSourceError(f"{where}: {key} is a command or an archive entry; "
                                       "datamill imports audio files only", file="wav.scp",
                                       line=number)
            if key in recordings:
                raise KaldiSourceError(f"{where}: recording {key!r} listed twice",
                                       file="wav.scp", line=number)
            given = Path(target)
            recordings[key] = given if given.is_absolute() else folder / given
        return recordings

    def _durations(self, folder: Path, recordings: dict[str, Path]) -> dict[str, int]:
        known: dict[str, int] = {}
        if (folder / "reco2dur").is_file():
            for number, fields in _lines(folder / "reco2dur"):
                if len(fields) == 2:  # noqa: PLR2004 - key and duration
                    known[fields[0]] = _seconds_ms(fields[1], f"reco2dur line {number}",
                                                   "reco2dur", number)
        base = os.path.realpath(folder) + os.sep
        for key, audio in recordings.items():
            if key not in known:
                # read only regular files inside the data directory (no FIFO, no device); an
                # audio path out of it is named as such (reco2dur would not let it in either:
                # the import takes media from inside the folder only)
                if not os.path.realpath(audio).startswith(base):
                    how = ("is a symbolic link that points outside"
                           if os.path.normpath(audio).startswith(base) else "escapes")
                    raise KaldiSourceError(
                        f"wav.scp: the audio of {key!r} ({audio}) {how} the data directory; "
                        "audio is imported from inside it only: move the file in and name it "
                        "relative to wav.scp", file="wav.scp")
                if not audio.is_file():
                    raise KaldiSourceError(f"wav.scp: the audio of {key!r} ({audio}) is not a "
                                           "file", file="wav.scp")
                import soundfile  # noqa: PLC0415 - only without reco2dur

                try:
                    info = soundfile.info(str(audio))
                except (OSError, RuntimeError) as err:
                    raise KaldiSourceError(f"wav.scp: cannot read {audio.name} for its length "
                                           f"({err}); add reco2dur or segments",
                                           file="wav.scp") from err
                known[key] = round(info.frames * 1000 / info.samplerate)
        return known

    def iter_items(self, path: Path) -> Iterator[tuple[Path, list[dict[str, Any]], str]]:
        """Yield ``(audio path, segments, recording id)`` per recording, in ``wav.scp`` order
        (the recording id is the item's id: two speakers' ``001.wav`` stay two items).

        Raises:
            KaldiSourceError: A missing ``wav.scp``/``text``, a malformed line, an utterance of
                an unknown recording, or times out of order.
        """
        folder = Path(path)
        for needed in ("wav.scp", "text"):
            if not (folder / needed).is_file():
                raise KaldiSourceError(f"{folder.name}: no {needed} (a Kaldi data directory "
                                       "has wav.scp and text)", file=needed)
        recordings = self._recordings(folder)
        texts: dict[str, str] = {}
        for _number, fields in _lines(folder / "text"):
            texts[fields[0]] = fields[1] if len(fields) > 1 else ""
        speakers = _speakers(folder)
        spans: dict[str, list[tuple[int, int, str, str | None]]] = {key: [] for key in recordings}
        if (folder / "segments").is_file():
            for number, fields in _lines(folder / "segments"):
                parts = [fields[0], *fields[1].split()] if len(fields) > 1 else fields
                where = f"segments line {number}"
                if len(parts) != 4:  # noqa: PLR2004 - utt, recording, start, end
                    raise KaldiSourceError(f"{where}: needs <utt-id> <recording-id> <start> "
                                           "<end>", file="segments", line=number)
                utt, reco, start, end = parts
                if reco not in recordings:
                    raise KaldiSourceError(f"{where}: recording {reco!r} is not in wav.scp",
                                           file="segments", line=number)
                start_ms = _seconds_ms(start, where, "segments", number)
                end_ms = _seconds_ms(end, where, "segments", number)
                if end_ms <= start_ms:
                    raise KaldiSourceError(f"{where}: ends ({end}) before it starts ({start})",
                                           file="segments", line=number)
                spans[reco].append((start_ms, end_ms, texts.get(utt, ""),
                                    _speaker(speakers, utt, reco)))
        else:
            durations = self._durations(folder, recordings)
            for utt, transcript in texts.items():
                if utt not in recordings:
                    raise KaldiSourceError(f"text: utterance {utt!r} has no recording in wav.scp "
                                           "(and there is no segments file)", file="text")
                spans[utt].append((0, durations[utt], transcript, _speaker(speakers, utt, utt)))
        lengths = self._known_durations(folder, recordings) \
            if (folder / "segments").is_file() else {}
        for key, audio in recordings.items():
            ordered = sorted(spans[key], key=lambda span: span[:3])
            length = lengths.get(key)
            if length is not None:  # times written to 10 ms round past the audio's last frame
                ordered = [(s, length if length < e <= length + _END_SLACK_MS else e, t, w)
                           for s, e, t, w in ordered]
            yield audio, [_segment(s, e, t, w) for s, e, t, w in ordered], key

    def _known_durations(self, folder: Path, recordings: dict[str, Path]) -> dict[str, int]:
        """Each recording's length where it can be read (reco2dur, else the audio's header);
        none for a data directory whose audio is elsewhere (its segments are then taken as
        written)."""
        try:
            return self._durations(folder, recordings)
        except KaldiSourceError:
            return {}
