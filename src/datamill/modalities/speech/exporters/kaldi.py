"""Kaldi data directory exporter.

Layout written to ``out_dir`` (every file sorted in C-locale byte order, as Kaldi requires)::

    wav.scp      <recording-id> <absolute audio path>   (or a sox pipe, see below)
    segments     <utt-id> <recording-id> <start s> <end s>
    text         <utt-id> <transcript>
    utt2spk      <utt-id> <speaker-id>
    spk2utt      <speaker-id> <utt-id> <utt-id> ...
    utt2lang     <utt-id> <language>
    reco2dur     <recording-id> <duration s>
    spk2gender   <speaker-id> m|f      (only when every exported speaker has a known gender)

Ids: recording id ``<speaker_id>-<utterance_id>``; one Kaldi utterance per non-empty
:class:`~datamill.modalities.base.Segment`, with id ``<speaker_id>-<utterance_id>-<index:03d>``
where ``index`` is the segment's position in ``ExportItem.segments``. A segment with its own
speaker (another than the item's, e.g. a conversation's second party) is that speaker's
utterance, ``<segment speaker>-<utterance_id>-<index:03d>``, with no known gender. The speaker
prefix keeps ``utt2spk`` and ``spk2utt`` consistently sorted; so that it does whatever the ids,
a speaker id writes the characters ``!`` to ``-`` as ``_`` (``F01-2`` → ``F01_2``; two ids
that would then clash are told apart, see :mod:`datamill.modalities.kaldi_speakers`). Times are written with three decimals.
Segments whose text is empty are skipped; noise symbols stay in the transcript as written.

Kaldi reads one sample rate per data directory (the feature extractor's ``--sample-frequency``),
mono 16-bit PCM WAV, and lhotse's reader gives every recording the one ``sampling_rate`` it is
called with and channel 0. A recording that is all that (mono, WAV, 16-bit, at the export's
rate: the spec's ``requirements.audio.sample_rate_hz``, else the first item's) is named by its
path; any other (stereo or multi-channel, another sample rate, FLAC or another container, 24-bit)
is read through a ``sox`` pipe that mixes its channels down to one and resamples it, as Kaldi
recipes do: ``<recording-id> sox <path> -t wav -r 16000 -c 1 -b 16 - |`` (Kaldi and lhotse run
it; ``sox`` must be installed where the data directory is read).

The export streams: lines go to sorted runs on disk (at most ``run_lines`` lines in memory per
file) that are merged at the end, so memory does not grow with the number of items.
"""

from __future__ import annotations

import heapq
import logging
import os
import shlex
import tempfile
from contextlib import ExitStack
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ExportManifest
from datamill.modalities.genders import kaldi_gender
from datamill.modalities.kaldi_speakers import KaldiSpeakers
from datamill.modalities.speech.types import ExportItem

from ._checksums import checksum_files
from ._common import (
    UniqueIds,
    check_id,
    check_segment,
    clean_transcript,
    ms_to_seconds,
    resolved,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["KaldiExporter"]

_log = logging.getLogger(__name__)

# Files built from sorted line runs. spk2utt is built from "spk utt" lines grouped by speaker.
_SORTED_FILES: Final = ("wav.scp", "segments", "text", "utt2spk", "utt2lang", "reco2dur")
_SPK_UTT: Final = "spk2utt"


class _ExternalSorter:
    r"""Sorts text lines with bounded memory: sorted runs on disk, merged lazily.

    Lines must not contain characters below ``"\\n"`` so that the newline-terminated order is
    the plain code-point (= UTF-8 byte, C-locale) order.
    """

    def __init__(self, tmp_dir: Path, stem: str, run_lines: int) -> None:
        self._tmp_dir = tmp_dir
        self._stem = stem
        self._run_lines = run_lines
        self._buffer: list[str] = []
        self._runs: list[Path] = []
        #: appends one newline-terminated line; call :meth:`spill_if_full` now and then
        self.append = self._buffer.append

    def __len__(self) -> int:
        return len(self._buffer)

    def add(self, line: str) -> None:
        self.append(line + "\n")
        self.spill_if_full()

    def spill_if_full(self) -> None:
        if len(self._buffer) >= self._run_lines:
            self._flush()

    def _flush(self) -> None:
        self._buffer.sort()
        run = self._tmp_dir / f"{self._stem}.{len(self._runs)}.run"
        with run.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(self._buffer)
        self._runs.append(run)
        self._buffer.clear()  # the same list: ``append`` stays bound to it

    def lines(self) -> Iterable[str]:
        """Every added line (newline-terminated) in sorted order: the sorted buffer itself when
        nothing was spilled, else a lazy merge of the runs."""
        if not self._runs:
            self._buffer.sort()
            return self._buffer
        if self._buffer:
            self._flush()
        return self._merged()

    def write_to(self, path: Path) -> None:
        """Write every added line to ``path`` in sorted order. A single sorted run (all lines
        spilled at once) is moved into place rather than merged line by line."""
        if len(self._runs) == 1 and not self._buffer:
            os.replace(self._runs.pop(), path)
            return
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(self.lines())

    def _merged(self) -> Iterator[str]:
        with ExitStack() as stack:
            handles = [
                stack.enter_context(run.open(encoding="utf-8", newline="\n")) for run in self._runs
            ]
            yield from heapq.merge(*handles)


def _wav_entry(item: ExportItem, path: str, rate: int | None) -> str:
    """``path`` when Kaldi reads the file as it is (mono 16-bit WAV at ``rate``), else a sox
    pipe that makes it so (channels mixed down to one, resampled, 16-bit WAV on stdout)."""
    as_is = (item.channels == 1 and (rate is None or item.sample_rate_hz == rate)
             and item.bit_depth in (None, 16) and path.lower().endswith(".wav"))
    if as_is:
        return path
    to_rate = f" -r {rate}" if rate else ""
    return f"sox {shlex.quote(path)} -t wav{to_rate} -c 1 -b 16 - |"


class KaldiExporter:
    """Write delivered utterances as a Kaldi data directory (see the module docstring).

    Args:
        run_lines: Lines per file kept in memory before a sorted run is spilled to disk.
        sample_rate_hz: The data directory's one sample rate (the spec's); None takes the
            first item's. A recording at another rate, with more than one channel or not a
            16-bit WAV is read through a ``sox`` pipe (see the module docstring).
    """

    name: ClassVar[str] = "kaldi"

    def __init__(self, *, run_lines: int = 200_000, sample_rate_hz: int | None = None) -> None:
        if run_lines < 1:
            raise InvalidInput("run_lines must be at least 1", field="run_lines")
        if sample_rate_hz is not None and sample_rate_hz <= 0:
            raise InvalidInput("sample_rate_hz must be positive", field="sample_rate_hz")
        self._run_lines = run_lines
        self._sample_rate_hz = sample_rate_hz

    def export(self, items: Iterable[ExportItem], out_dir: Path) -> ExportManifest:
        """Export ``items`` into the Kaldi data directory ``out_dir`` (created if missing).

        Args:
            items: Utterances to export; consumed once.
            out_dir: Output folder.

        Returns:
            The manifest: every written file with its sha256, and the number of items read.

        Raises:
            InvalidInput: Duplicate utterance id, an id unusable as a Kaldi key, or a segment
                with invalid times.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".kaldi-tmp-") as tmp:
            sorters = {
                fname: _ExternalSorter(Path(tmp), fname, self._run_lines)
                for fname in (*_SORTED_FILES, _SPK_UTT)
            }
            genders: dict[str, str | None] = {}
            count = self._collect(items, sorters, genders)
            for fname in _SORTED_FILES:
                sorters[fname].write_to(out_dir / fname)
                written.append(fname)
            self._write_spk2utt(sorters[_SPK_UTT], out_dir / _SPK_UTT)
            written.append(_SPK_UTT)
        if self._write_spk2gender(genders, out_dir / "spk2gender"):
            written.append("spk2gender")
        return ExportManifest(
            format=self.name, files=checksum_files(out_dir, sorted(written)), items=count
        )

    def _collect(
        self,
        items: Iterable[ExportItem],
        sorters: dict[str, _ExternalSorter],
        genders: dict[str, str | None],
    ) -> int:
        utterance_ids = UniqueIds()
        recording_ids = UniqueIds()
        speaker_ids = KaldiSpeakers()  # ids that keep utt2spk's two sort orders alike
        folders: dict[str, tuple[str, bool]] = {}
        count = 0
        # lines go straight onto the sorters' buffers (newline included); the buffers are
        # spilled to disk between items once one of them holds ``run_lines`` lines
        wav_scp, reco2dur = sorters["wav.scp"], sorters["reco2dur"]
        segments_file, text_file = sorters["segments"], sorters["text"]
        utt2spk, utt2lang, spk2utt = sorters["utt2spk"], sorters["utt2lang"], sorters[_SPK_UTT]
        run_lines = self._run_lines
        rate = self._sample_rate_hz
        for item in items:
            utterance_ids.add(item.utterance_id)
            check_id(item.utterance_id, field="utterance_id", utterance_id=item.utterance_id)
            spk = speaker_ids.id(check_id(item.speaker_id, field="speaker_id",
                                          utterance_id=item.utterance_id))
            rec = f"{spk}-{item.utterance_id}"
            recording_ids.add(rec)
            language = check_id(item.language, field="language", utterance_id=item.utterance_id)
            rate = rate or item.sample_rate_hz or None
            wav_scp.append(f"{rec} {_wav_entry(item, resolved(item.audio_path, folders), rate)}\n")
            reco2dur.append(f"{rec} {ms_to_seconds(item.duration_ms)}\n")
            wrote_segment = False
            for index, segment in enumerate(item.segments):
                check_segment(item, index, segment)
                text = clean_transcript(segment.text)
                if not text:
                    continue
                # a segment's own speaker (a conversation's) is its utterance's speaker, as in
                # the TextGrid; the id starts with it, so utt2spk and spk2utt sort alike
                who = spk if not segment.speaker or segment.speaker == item.speaker_id \
                    else speaker_ids.id(check_id(segment.speaker,
                                                 field=f"segments[{index}].speaker",
                                                 utterance_id=item.utterance_id))
                utt = f"{rec}-{index:03d}" if who == spk else \
                    f"{who}-{item.utterance_id}-{index:03d}"
                start, end = ms_to_seconds(segment.start_ms), ms_to_seconds(segment.end_ms)
                segments_file.append(f"{utt} {rec} {start} {end}\n")
                text_file.append(f"{utt} {text}\n")
                utt2spk.append(f"{utt} {who}\n")
                utt2lang.append(f"{utt} {language}\n")
                spk2utt.append(f"{who} {utt}\n")
                if who == spk:
                    wrote_segment = True
                else:  # the item's gender is its recording speaker's, not this one's
                    genders.setdefault(who, None)
            if wrote_segment:
                self._note_gender(genders, spk, item)
            count += 1
            if len(wav_scp) >= run_lines or len(segments_file) >= run_lines:
                for sorter in sorters.values():
                    sorter.spill_if_full()
        return count

    @staticmethod
    def _note_gender(genders: dict[str, str | None], speaker: str, item: ExportItem) -> None:
        gender = kaldi_gender(item.gender)
        known = genders.get(speaker)
        if speaker not in genders or known is None:
            genders[speaker] = gender
        elif gender is not None and gender != known:
            raise InvalidInput(
                f"speaker {speaker!r} has conflicting genders {known!r} and {gender!r} "
                f"(utterance {item.utterance_id!r})",
                utterance_id=item.utterance_id,
                field="gender",
            )

    @staticmethod
    def _write_spk2utt(sorter: _ExternalSorter, path: Path) -> None:
        pairs = (line.rstrip("\n").split(" ", 1) for line in sorter.lines())
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for speaker, group in groupby(pairs, key=lambda pair: pair[0]):
                fh.write(f"{speaker} {' '.join(utt for _, utt in group)}\n")

    @staticmethod
    def _write_spk2gender(genders: dict[str, str | None], path: Path) -> bool:
        """Write spk2gender when every speaker's gender is known; otherwise leave it out.

        Kaldi's ``validate_data_dir.sh`` and lhotse both expect the file to cover every speaker.
        """
        unknown = sorted(spk for spk, gender in genders.items() if gender is None)
        if unknown or not genders:
            path.unlink(missing_ok=True)
            if unknown:
                _log.info(
                    "spk2gender left out: %d speaker(s) without m/f gender, e.g. %s",
                    len(unknown),
                    unknown[0],
                )
            return False
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(f"{spk} {gender}\n" for spk, gender in sorted(genders.items()))
        return True
