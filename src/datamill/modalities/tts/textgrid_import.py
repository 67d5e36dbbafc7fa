"""TTS importer of Praat TextGrids (``datamill data import PROJECT DIR --format tts_textgrid``).

Reads back what the ``tts_textgrid`` and ``mfa_corpus`` exporters write, and Montreal Forced
Aligner's own output: each ``<utt>.TextGrid`` becomes one item named ``<utt>``, starting from
its tiers. The recording is ``<utt>.wav`` (or ``.flac``) beside the TextGrid, in an ``audio/``
folder, or, in a delivery package (``tts_textgrid/``, ``audio/<sha256>.wav``), the file its
``espnet_tts/wav.scp`` or ``mfa_corpus/<speaker>/<utt>.wav`` names. MFA's speaker folders
(``<speaker>/<utt>.TextGrid``) are read one level down.

Interval tiers named ``words``, ``syllables``, ``phones``, ``pos``, ``stress``, ``tones`` and the
point tier ``prosody`` are taken (labels stripped, empty intervals are gaps); other tiers are
left. MFA names a speaker's tiers ``<speaker> - words`` and ``<speaker> - phones``: with one
speaker in the file they are read as ``words`` and ``phones``. A TextGrid with none of these
tiers is refused, naming the tiers it has (it was imported as an empty annotation and counted
as labelled: a ``transcript`` tier, or MFA's speaker-prefixed tiers, were dropped unseen). Times are rounded to whole milliseconds; a negative time is refused (praatio reads it
without its sign). A TextGrid names no language: Chinese characters in the words, or a
``tones`` tier, make it ``zh``, anything else ``en``. The project then validates every item's
tiers (phone set, nesting, bounds) and refuses the import naming each problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from datamill.modalities.speech.textgrid_import import (
    TextGridSourceError,
    _ms,
    read_grid,
    tiers_code,
)
from datamill.modalities.tts.exporters import PROSODY_TIER
from datamill.modalities.tts.schema import INTERVAL_TIERS

__all__ = ["TtsTextGridImporter"]

_AUDIO = (".wav", ".flac")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PACKAGED = ("tts_textgrid", "mfa_corpus")
#: MFA's tier of one speaker: ``<speaker> - words`` (lower-cased)
_SPEAKER_TIER = re.compile(r"^(?P<speaker>.+?) - (?P<tier>[a-z]+)$")


def _grids(folder: Path) -> list[Path]:
    """The TextGrids of ``folder`` (or its ``tts_textgrid/``/``mfa_corpus/`` folder), also one
    speaker folder down, in path order."""
    for where in (folder, *(folder / name for name in _PACKAGED)):
        if not where.is_dir():
            continue
        found = sorted({*where.glob("*.TextGrid"), *where.glob("*/*.TextGrid")})
        found = [p for p in found if p.is_file()]
        if found:
            return found
    return []


def _packaged(folder: Path) -> dict[str, Path]:
    """A delivery package's recording per utterance id (``espnet_tts/wav.scp`` names
    ``<spk>-<utt> .../audio/<sha256>.wav``; ``mfa_corpus/<spk>/<utt>.wav``), or {}."""
    out: dict[str, Path] = {}
    for wav in sorted((folder / "mfa_corpus").glob("*/*")) \
            if (folder / "mfa_corpus").is_dir() else []:
        if wav.suffix.lower() in _AUDIO and wav.is_file():
            out.setdefault(wav.stem, wav)
    scp = folder / "espnet_tts" / "wav.scp"
    if scp.is_file():
        for line in scp.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, where = line.partition(" ")
            audio = folder / "audio" / Path(where.strip()).name
            if audio.is_file():
                out.setdefault(key.partition("-")[2] or key, audio)
    return out


def _audio(folder: Path, grid: Path, stem: str, packaged: dict[str, Path]) -> Path:
    for where in (grid.parent, folder / "audio", folder):
        for suffix in _AUDIO:
            if (where / f"{stem}{suffix}").is_file():
                return where / f"{stem}{suffix}"
    if stem in packaged:
        return packaged[stem]
    also = (folder / "audio").is_dir()
    raise TextGridSourceError(f"{grid.name}: no recording {stem}.wav (or .flac) beside it"
                              + (" or in audio/" if also else ""), file=grid.name, stem=stem,
                              reason_code="textgrid_no_recording_audio" if also
                              else "textgrid_no_recording")


def _keys(names: list[str]) -> dict[str, str]:
    """Each tier name's key: its name lower-cased, or, when every tier carries one speaker's
    MFA prefix (``<speaker> - words``), the name after it."""
    keys = {n: n.strip().lower() for n in names}
    prefixed = {n: _SPEAKER_TIER.match(k) for n, k in keys.items()}
    if keys and all(prefixed.values()) and \
            len({m["speaker"] for m in prefixed.values() if m is not None}) == 1:
        return {n: m["tier"] for n, m in prefixed.items() if m is not None}
    return keys


def _annotation(grid: Any, where: str) -> dict[str, Any]:
    """The TTS annotation payload of a praatio TextGrid (module docstring)."""
    from praatio.utilities.constants import INTERVAL_TIER, POINT_TIER  # noqa: PLC0415

    out: dict[str, Any] = {"source": "manual"}
    keys = _keys(list(grid.tierNames))
    if not set(keys.values()) & {*INTERVAL_TIERS, PROSODY_TIER}:
        shown = ", ".join(repr(n) for n in grid.tierNames) or "none"
        raise TextGridSourceError(
            f"{where}: none of the tiers a TTS annotation reads (words, syllables, phones, pos, "
            f"stress, tones, prosody); its tiers: {shown}"[:300], file=where,
            **tiers_code("textgrid_no_tts_tier", grid.tierNames))
    for name in grid.tierNames:
        tier = grid.getTier(name)
        key = keys[name]
        if key in INTERVAL_TIERS and tier.tierType == INTERVAL_TIER:
            out[key] = [{"start_ms": _ms(e.start, where), "end_ms": _ms(e.end, where),
                         "label": e.label.strip()} for e in tier.entries if e.label.strip()]
        elif key == PROSODY_TIER and tier.tierType == POINT_TIER:
            out[key] = [{"time_ms": _ms(p.time, where), "label": p.label.strip()}
                        for p in tier.entries if p.label.strip()]
    han = any(_HAN.search(iv["label"]) for iv in out.get("words", ()))
    out["language"] = "zh" if han or out.get("tones") else "en"
    return out


class TtsTextGridImporter:
    """Reads TTS TextGrids beside their recordings (see the module docstring)."""

    name: ClassVar[str] = "tts_textgrid"

    def detect(self, path: Path) -> float:
        """0.9 for a folder holding ``.TextGrid`` files (module docstring), else 0."""
        path = Path(path)
        return 0.9 if path.is_dir() and _grids(path) else 0.0

    def iter_items(self, path: Path) -> Iterator[tuple[Path, dict[str, Any], str]]:
        """Yield ``(audio path, annotation, utterance id)`` per TextGrid, in path order.

        Raises:
            TextGridSourceError: A file praatio cannot read, a negative time or a
                TextGrid without its recording.
        """
        folder = Path(path)
        files = _grids(folder)
        packaged = _packaged(folder) if files else {}
        read: list[tuple[Path, dict[str, Any], str]] = []
        for file in files:  # everything is read before the first item is yielded
            stem = file.name[: -len(".TextGrid")]
            audio = _audio(folder, file, stem, packaged)
            read.append((audio, _annotation(read_grid(file), file.name), stem))
        yield from read
