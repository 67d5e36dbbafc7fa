"""A TTS project's ``--format tts_textgrid`` import of a TextGrid holding none of the TTS tiers
(a ``transcript`` tier, or MFA's speaker-prefixed ``spk1 - words``/``spk1 - phones``) imported
the item as labelled with an empty annotation (every tier empty, language ``en`` for Chinese
words): the labels were dropped unseen. Now one speaker's MFA tiers read as ``words`` and
``phones``, and a TextGrid with no TTS tier is refused naming the tiers it has."""

from __future__ import annotations

from pathlib import Path

import pytest
from praatio import textgrid as tgio
from praatio.utilities.constants import Interval

from datamill.modalities.speech.textgrid_import import TextGridSourceError
from datamill.modalities.tts.textgrid_import import TtsTextGridImporter
from datamill.testing.synth import make_tone


def _folder(tmp_path: Path, tiers: dict[str, list[tuple[float, float, str]]]) -> Path:
    make_tone(tmp_path / "u1.wav", duration_ms=2000)
    grid = tgio.Textgrid()
    for name, entries in tiers.items():
        grid.addTier(tgio.IntervalTier(name, [Interval(*e) for e in entries], 0, 2.0))
    grid.save(str(tmp_path / "u1.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
    return tmp_path


def test_one_speakers_mfa_tiers_are_its_words_and_phones(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"spk1 - words": [(0.0, 0.6, "你好")],
                                "spk1 - phones": [(0.0, 0.3, "n"), (0.3, 0.6, "i3")]})
    ((_audio, annotation, key),) = list(TtsTextGridImporter().iter_items(folder))
    assert key == "u1" and annotation["language"] == "zh"
    assert [w["label"] for w in annotation["words"]] == ["你好"]
    assert [p["label"] for p in annotation["phones"]] == ["n", "i3"]


def test_a_textgrid_without_a_tts_tier_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"transcript": [(0.0, 1.0, "你好")]})
    with pytest.raises(TextGridSourceError, match=r"none of the tiers a TTS annotation reads .*"
                                                  r"its tiers: 'transcript'"):
        list(TtsTextGridImporter().iter_items(folder))
