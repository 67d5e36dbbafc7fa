"""A forced alignment's TextGrid (Montreal Forced Aligner: ``words`` and ``phones`` tiers, or
``<speaker> - words`` and ``<speaker> - phones``) imported into a speech project was refused:
its two tiers read as two speakers, so each word overlapped its phones ("segments 1 and 2
overlap (0 < 200 ms)"), and a speaker-prefixed one named the speakers 'spk1 - phones' and
'spk1 - words'. Now the words tiers are read, each run of words with no pause between them one
segment (Chinese words joined without spaces), the speaker the tier name's prefix; phones are
left out. Written by praatio, as MFA writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from praatio import textgrid as tgio
from praatio.utilities.constants import Interval

from datamill.modalities.speech.textgrid_import import TextGridImporter, TextGridSourceError
from datamill.testing.synth import make_tone


def _grid(path: Path, tiers: dict[str, list[tuple[float, float, str]]]) -> None:
    grid = tgio.Textgrid()
    for name, entries in tiers.items():
        grid.addTier(tgio.IntervalTier(name, [Interval(*e) for e in entries], 0, 3.0))
    grid.save(str(path), format="long_textgrid", includeBlankSpaces=True)


def _read(folder: Path) -> list[tuple[int, int, str, str | None]]:
    ((_audio, segments, _key),) = list(TextGridImporter().iter_items(folder))
    return [(s["start_ms"], s["end_ms"], s["text"], s["speaker"]) for s in segments]


def test_an_mfa_alignment_reads_its_words_as_phrases(tmp_path: Path) -> None:
    make_tone(tmp_path / "utt1.wav", duration_ms=3000)
    _grid(tmp_path / "utt1.TextGrid", {
        "words": [(0.1, 0.5, "今天"), (0.5, 0.9, "天气"), (0.9, 1.2, "很好"),  # one phrase
                  (1.6, 2.0, "hello"), (2.0, 2.4, "world")],  # after a pause: the next
        "phones": [(0.1, 0.3, "j"), (0.3, 0.5, "in1"), (0.5, 0.9, "t ian1 q i4"),
                   (0.9, 1.2, "h en3 h ao3"), (1.6, 2.4, "HH AH0 L OW1 W ER1 L D")],
    })
    assert _read(tmp_path) == [(100, 1200, "今天天气很好", None), (1600, 2400, "hello world", None)]


def test_speaker_prefixed_tiers_name_their_speakers(tmp_path: Path) -> None:
    make_tone(tmp_path / "call.wav", duration_ms=3000)
    _grid(tmp_path / "call.TextGrid", {
        "spk_a - words": [(0.0, 0.4, "你好"), (0.4, 0.8, "请问")],
        "spk_a - phones": [(0.0, 0.4, "n i3 h ao3"), (0.4, 0.8, "q ing3 w en4")],
        "spk_b - words": [(1.0, 1.5, "您好")],
        "spk_b - phones": [(1.0, 1.5, "n in2 h ao3")],
    })
    assert _read(tmp_path) == [(0, 800, "你好请问", "spk_a"), (1000, 1500, "您好", "spk_b")]


def test_a_tier_merely_named_like_a_speaker_is_still_a_speaker(tmp_path: Path) -> None:
    make_tone(tmp_path / "c2.wav", duration_ms=3000)
    _grid(tmp_path / "c2.TextGrid", {"words": [(0.0, 0.5, "a")], "alice": [(1.0, 1.5, "b")]})
    assert _read(tmp_path) == [(0, 500, "a", "words"), (1000, 1500, "b", "alice")]


def test_a_textgrid_with_no_interval_tier_is_refused(tmp_path: Path) -> None:
    # it was read as no speech at all: with transcript_required false, an item "labelled" empty
    make_tone(tmp_path / "p.wav", duration_ms=3000)
    grid = tgio.Textgrid()
    grid.addTier(tgio.PointTier("tones", [(0.5, "H")], 0, 3.0))
    grid.save(str(tmp_path / "p.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
    with pytest.raises(TextGridSourceError, match=r"no interval tier .*its tiers: 'tones'"):
        _read(tmp_path)
