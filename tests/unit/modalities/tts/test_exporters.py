"""speech.tts exports read back: TextGrid (praatio), MFA corpus, ESPnet TTS data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from praatio import textgrid as tgio

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.registry import get_modality
from datamill.modalities.tts.exporters import TtsExportItem
from datamill.testing.synth import make_tone

from ._helpers import tiers

GOLDEN = Path(__file__).parent / "golden"


def _items(folder: Path) -> list[TtsExportItem]:
    plugin = get_modality("speech.tts")
    out = []
    for i, spk in enumerate(("spk1", "spk1", "spk2")):
        wav = make_tone(folder / f"u{i}.wav", duration_ms=1000)
        attrs = plugin.describe(wav, {"speaker_id": spk}, {}).model_dump(exclude_none=True)
        rec = ItemRecord(external_id=f"utt{i}", sha256="0" * 64, filename=wav.name,
                         path=Path("/delivery/audio") / wav.name, source=wav,
                         attributes=attrs, language="en-US")
        item = plugin.export_item(rec, tiers(shift_ms=10 * i))
        assert isinstance(item, TtsExportItem)
        out.append(item)
    return out


def _export(name: str, items: list[TtsExportItem], out: Path) -> dict[str, str]:
    manifest = get_modality("speech.tts").make_exporter(name, {}).export(iter(items), out)
    assert manifest.items == len(items)
    return dict(manifest.files)


def test_textgrid_reads_back_with_every_tier(tmp_path: Path) -> None:
    items = _items(tmp_path)
    files = _export("tts_textgrid", items, tmp_path / "tg")
    assert sorted(files) == ["utt0.TextGrid", "utt1.TextGrid", "utt2.TextGrid"]
    assert (tmp_path / "tg/utt0.TextGrid").read_text() == (GOLDEN / "utt0.TextGrid").read_text()
    for item in items:
        grid = tgio.openTextgrid(str(tmp_path / "tg" / f"{item.utterance_id}.TextGrid"),
                                 includeEmptyIntervals=False)
        assert grid.tierNames == ("words", "syllables", "phones", "stress", "prosody")
        for name in ("words", "syllables", "phones", "stress"):
            got = [(round(e.start * 1000), round(e.end * 1000), e.label)
                   for e in grid.getTier(name).entries]
            assert got == [(iv.start_ms, iv.end_ms, iv.label)
                           for iv in item.annotation.tier(name)]
        points = [(round(p.time * 1000), p.label) for p in grid.getTier("prosody").entries]
        assert points == [(p.time_ms, p.label) for p in item.annotation.prosody]


def test_mfa_corpus_has_speaker_folders_with_wav_lab_and_textgrid(tmp_path: Path) -> None:
    items = _items(tmp_path)
    files = _export("mfa_corpus", items, tmp_path / "mfa")
    assert sorted(files) == [f"{s}/utt{i}.{ext}" for s, i in (("spk1", 0), ("spk1", 1),
                                                                ("spk2", 2))
                             for ext in ("TextGrid", "lab", "wav")]
    assert (tmp_path / "mfa/spk2/utt2.lab").read_text() == "the dog\n"
    assert (tmp_path / "mfa/spk1/utt0.wav").read_bytes() == (tmp_path / "u0.wav").read_bytes()
    grid = tgio.openTextgrid(str(tmp_path / "mfa/spk1/utt1.TextGrid"),
                             includeEmptyIntervals=False)
    assert grid.tierNames == ("words", "phones")
    assert [e.label for e in grid.getTier("phones").entries] == ["DH", "AH0", "D", "AO1", "G"]
    assert grid.getTier("words").entries[0].start == pytest.approx(0.110)


def test_espnet_dir_matches_the_golden_files_and_durations_cover_the_audio(
        tmp_path: Path) -> None:
    items = _items(tmp_path)
    files = _export("espnet_tts", items, tmp_path / "esp")
    assert sorted(files) == ["durations", "phones", "spk2utt", "text", "utt2spk", "wav.scp"]
    for name in ("durations", "phones", "spk2utt", "text", "utt2spk"):
        assert (tmp_path / "esp" / name).read_text() == (GOLDEN / f"espnet_{name}").read_text()
    scp = (tmp_path / "esp/wav.scp").read_text().splitlines()
    assert scp[0] == "spk1-utt0 /delivery/audio/u0.wav"
    phones = dict(line.split(" ", 1) for line in (tmp_path / "esp/phones").read_text()
                  .splitlines())
    for line in (tmp_path / "esp/durations").read_text().splitlines():
        utt, *frames = line.split()
        assert sum(map(int, frames)) == 100  # 1 s at a 10 ms shift
        assert len(frames) == len(phones[utt].split())


def test_repeated_utterance_ids_are_refused(tmp_path: Path) -> None:
    items = _items(tmp_path)
    with pytest.raises(InvalidInput, match="duplicate"):
        _export("espnet_tts", [items[0], items[0]], tmp_path / "dup")


def test_mfa_lab_of_mandarin_separates_its_words(tmp_path: Path) -> None:
    """MFA splits a .lab at spaces and looks each word up: 你好我们 was one unknown word."""
    plugin = get_modality("speech.tts")
    wav = make_tone(tmp_path / "zh.wav", duration_ms=1000)
    attrs = plugin.describe(wav, {"speaker_id": "spk1"}, {}).model_dump(exclude_none=True)
    rec = ItemRecord(external_id="zh1", sha256="0" * 64, filename=wav.name,
                     path=Path("/delivery/audio") / wav.name, source=wav, attributes=attrs,
                     language="zh-CN")
    words = [{"start_ms": 100, "end_ms": 400, "label": "你好"},
             {"start_ms": 400, "end_ms": 700, "label": "我们"}]
    item = plugin.export_item(rec, {"language": "zh", "source": "manual", "words": words})
    assert isinstance(item, TtsExportItem)
    _export("mfa_corpus", [item], tmp_path / "mfa")
    assert (tmp_path / "mfa/spk1/zh1.lab").read_text(encoding="utf-8") == "你好 我们\n"


def test_a_phone_shorter_than_half_a_frame_stays_in_the_espnet_phones() -> None:
    """4 ms of 'n' rounded to no frame and vanished: ESPnet's ``phones`` read ``sil i3 sil``
    for 你 (n i3), a sequence the text does not spell. It keeps one frame of what follows."""
    from datamill.modalities.tts.exporters import phone_tokens
    from datamill.modalities.tts.schema import parse_annotation

    ann = parse_annotation({"language": "zh", "words": [], "syllables": [], "phones": [
        {"start_ms": 100, "end_ms": 104, "label": "n"},
        {"start_ms": 104, "end_ms": 300, "label": "i3"}]})
    tokens = phone_tokens(ann, 400)
    assert tokens == [("sil", 10), ("n", 1), ("i3", 19), ("sil", 10)]
    assert sum(n for _, n in tokens) == 40
