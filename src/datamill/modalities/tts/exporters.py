"""TTS delivery formats: Praat TextGrids, a Montreal-Forced-Aligner corpus and an ESPnet/Kaldi
TTS data directory.

* ``tts_textgrid`` — ``<utt>.TextGrid`` per utterance with interval tiers ``words``,
  ``syllables``, ``phones``, ``pos``, ``stress``, ``tones`` (empty ones left out) and the point
  tier ``prosody``. Gaps are empty intervals (silence). praatio, "long" format.
* ``mfa_corpus`` — ``<speaker>/<utt>.wav`` (the audio, copied), ``<speaker>/<utt>.lab`` (the
  words, one line, split at single spaces in every language) and ``<speaker>/<utt>.TextGrid``
  with the tiers ``words`` and ``phones``, as Montreal Forced Aligner reads and writes them.
* ``espnet_tts`` — ``wav.scp`` (``<utt> <absolute audio path>``), ``text`` (words), ``utt2spk``,
  ``spk2utt``, ``phones`` (``<utt> sil DH AH0 ... sil``: the phone tier with every gap as
  ``sil``) and ``durations`` (``<utt>`` then each of those tokens' length in frames of
  :data:`FRAME_SHIFT_MS`, summing to the utterance's frames), sorted in C-locale order.

Utterance ids are the items' ``utterance_id`` prefixed with the speaker (``<spk>-<utt>``) in
the ESPnet directory, so ``utt2spk`` and ``spk2utt`` sort alike; its speaker ids write the
characters ``!`` to ``-`` as ``_`` (:mod:`datamill.modalities.kaldi_speakers`).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from praatio import textgrid as tgio
from praatio.utilities.constants import Interval as TgInterval
from praatio.utilities.constants import Point as TgPoint

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest
from datamill.modalities.kaldi_speakers import KaldiSpeakers
from datamill.modalities.tts.schema import INTERVAL_TIERS, TtsAnnotation, parse_annotation

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["EspnetTtsExporter", "MfaCorpusExporter", "TtsExportItem", "TtsTextGridExporter",
           "textgrid_of"]

FRAME_SHIFT_MS: Final = 10
PROSODY_TIER: Final = "prosody"


@dataclass(frozen=True)
class TtsExportItem:
    """One delivered utterance: where its audio will be (``audio_path``) and can be read now
    (``audio_source``), its tiers and identity."""

    utterance_id: str
    audio_path: Path
    audio_source: Path
    sha256: str
    duration_ms: int
    sample_rate_hz: int
    language: str
    speaker_id: str
    annotation: TtsAnnotation


def _check_id(value: str, what: str) -> str:
    if not value or value in (".", "..") or any(c.isspace() or c in "/\\" for c in value):
        raise InvalidInput(f"{what} {value!r} cannot be a file name or a Kaldi key")
    return value


def _end_ms(item: TtsExportItem) -> int:
    ann = item.annotation
    ends = [iv.end_ms for name in INTERVAL_TIERS for iv in ann.tier(name)]
    ends += [p.time_ms for p in ann.prosody]
    end = max([item.duration_ms, *ends])
    if end <= 0:
        raise InvalidInput(f"utterance {item.utterance_id!r} has no duration")
    return end


def textgrid_of(item: TtsExportItem, tiers: tuple[str, ...] = INTERVAL_TIERS,
                *, prosody: bool = True) -> tgio.Textgrid:
    """The item's tiers as a praatio TextGrid (empty interval tiers left out)."""
    xmax = _end_ms(item) / 1000
    grid = tgio.Textgrid(0.0, xmax)
    for name in tiers:
        tier = item.annotation.tier(name)
        if not tier and name not in ("words", "phones"):
            continue
        entries = [TgInterval(iv.start_ms / 1000, iv.end_ms / 1000, iv.label) for iv in tier]
        grid.addTier(tgio.IntervalTier(name, entries, 0.0, xmax), reportingMode="error")
    if prosody and item.annotation.prosody:
        points = [TgPoint(p.time_ms / 1000, p.label) for p in item.annotation.prosody]
        grid.addTier(tgio.PointTier(PROSODY_TIER, points, 0.0, xmax), reportingMode="error")
    return grid


def _save(grid: tgio.Textgrid, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    grid.save(str(path), format="long_textgrid", includeBlankSpaces=True, reportingMode="error")


class _Base:
    name: ClassVar[str]

    def __init__(self) -> None:
        self.count = 0

    def _unique(self, items: Iterable[TtsExportItem]) -> Iterator[TtsExportItem]:
        """The items one at a time, refusing unusable and repeated ids."""
        seen: set[str] = set()
        self.count = 0
        for item in items:
            _check_id(item.utterance_id, "utterance id")
            _check_id(item.speaker_id, "speaker id")
            if item.utterance_id in seen:
                raise InvalidInput(f"duplicate utterance id {item.utterance_id!r}")
            seen.add(item.utterance_id)
            self.count += 1
            yield item

    def _manifest(self, out_dir: Path, rels: list[str], n: int) -> ExportManifest:
        return ExportManifest(format=self.name,
                              files={r: sha256_file(out_dir / r) for r in sorted(rels)}, items=n)


class TtsTextGridExporter(_Base):
    """One TextGrid per utterance with every tier (module docstring)."""

    name: ClassVar[str] = "tts_textgrid"

    def export(self, items: Iterable[TtsExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        rels = []
        for item in self._unique(items):
            rel = f"{item.utterance_id}.TextGrid"
            _save(textgrid_of(item), out_dir / rel)
            rels.append(rel)
        return self._manifest(out_dir, rels, self.count)


class MfaCorpusExporter(_Base):
    """Speaker folders with wav, .lab and a words/phones TextGrid (module docstring)."""

    name: ClassVar[str] = "mfa_corpus"

    def export(self, items: Iterable[TtsExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        rels: list[str] = []
        for item in self._unique(items):
            stem = f"{item.speaker_id}/{item.utterance_id}"
            (out_dir / item.speaker_id).mkdir(parents=True, exist_ok=True)
            wav = f"{stem}{item.audio_source.suffix or '.wav'}"
            shutil.copyfile(item.audio_source, out_dir / wav)
            # MFA reads a .lab as words split at spaces, Mandarin too (its dictionaries are
            # per word): 你好 我们, never 你好我们 (one unknown word)
            words = " ".join(w.label for w in item.annotation.words)
            (out_dir / f"{stem}.lab").write_text(words + "\n", encoding="utf-8")
            _save(textgrid_of(item, ("words", "phones"), prosody=False),
                  out_dir / f"{stem}.TextGrid")
            rels += [wav, f"{stem}.lab", f"{stem}.TextGrid"]
        return self._manifest(out_dir, rels, self.count)


def phone_tokens(ann: TtsAnnotation, duration_ms: int) -> list[tuple[str, int]]:
    """The phone tier as (token, frames) with every gap as ``sil``, covering the utterance:
    frame edges are the boundaries rounded to :data:`FRAME_SHIFT_MS`, so the lengths sum to
    ``round(duration / shift)``. A phone shorter than half a frame keeps one frame (taken from
    what follows it) rather than vanishing from the phone sequence."""
    total = round(duration_ms / FRAME_SHIFT_MS)
    out: list[tuple[str, int]] = []
    cursor = 0
    for iv in ann.phones:
        a = min(round(iv.start_ms / FRAME_SHIFT_MS), total)
        b = min(round(iv.end_ms / FRAME_SHIFT_MS), total)
        if b <= max(a, cursor):  # rounded to nothing: 4 ms of 'n' was dropped from 'n i3'
            b = min(max(a, cursor) + 1, total)
        if a > cursor:
            out.append(("sil", a - cursor))
            cursor = a
        if b > cursor:
            out.append((iv.label, b - cursor))
            cursor = b
    if total > cursor:
        out.append(("sil", total - cursor))
    return out


class EspnetTtsExporter(_Base):
    """An ESPnet/Kaldi-style TTS data directory (module docstring)."""

    name: ClassVar[str] = "espnet_tts"

    def export(self, items: Iterable[TtsExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        lines: dict[str, list[str]] = defaultdict(list)
        by_spk: dict[str, list[str]] = defaultdict(list)
        speakers = KaldiSpeakers()  # ids that keep utt2spk's two sort orders alike
        for item in self._unique(items):
            spk = speakers.id(item.speaker_id)
            utt = f"{spk}-{item.utterance_id}"
            tokens = phone_tokens(item.annotation, _end_ms(item))
            lines["wav.scp"].append(f"{utt} {item.audio_path.resolve()}")
            lines["text"].append(f"{utt} {item.annotation.text}")
            lines["utt2spk"].append(f"{utt} {spk}")
            lines["phones"].append(f"{utt} {' '.join(t for t, _ in tokens)}")
            lines["durations"].append(f"{utt} {' '.join(str(n) for _, n in tokens)}")
            by_spk[spk].append(utt)
        lines["spk2utt"] = [f"{s} {' '.join(sorted(u))}" for s, u in by_spk.items()]
        for name, rows in lines.items():
            body = "".join(f"{r}\n" for r in sorted(rows, key=lambda r: r.encode()))
            (out_dir / name).write_text(body, encoding="utf-8")
        return self._manifest(out_dir, sorted(lines), self.count)


def export_item(record: Any, payload: Any) -> TtsExportItem:
    """The export item of a delivered :class:`~datamill.modalities.base.ItemRecord`."""
    a = record.attributes
    return TtsExportItem(
        utterance_id=record.external_id.replace("/", "_"), audio_path=record.path,
        audio_source=record.readable, sha256=record.sha256,
        duration_ms=int(a.get("duration_ms") or 0),
        sample_rate_hz=int(a.get("sample_rate_hz") or 0), language=record.language,
        speaker_id=str(a.get("speaker_id") or "speaker"), annotation=parse_annotation(payload),
    )
