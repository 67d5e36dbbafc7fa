"""Speech exporters: golden output, round trips through the real readers, streaming.

Golden files live in ``tests/golden/speech/kaldi_basic/`` (every Kaldi file) and
``tests/golden/speech/hf_basic/data.jsonl``. They are compared after normalisation: the
resolved audio folder becomes ``{AUDIO_DIR}``, audio sha256 values become ``{SHA256}`` once they
are checked against the real files, and JSON keys are sorted. To rewrite them after an intended
change, run::

    DATAMILL_UPDATE_GOLDEN=1 python -m pytest tests/unit/modalities/speech/test_exporters.py

and review the diff.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.base import Exporter, ExportManifest
from datamill.modalities.speech.exporters._common import clean_transcript
from datamill.modalities.speech.exporters.hf import HuggingFaceExporter
from datamill.modalities.speech.exporters.kaldi import KaldiExporter
from datamill.modalities.speech.exporters.textgrid import TextGridExporter
from datamill.modalities.speech.types import ExportItem, Segment
from datamill.testing.synth import make_tone
from tests._tools import require_module, require_tool
from tests._work import python_lines

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "speech"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"
AUDIO_DIR_TOKEN = "{AUDIO_DIR}"
SHA_TOKEN = "{SHA256}"

EXPORTERS: list[type[KaldiExporter | TextGridExporter | HuggingFaceExporter]] = [
    KaldiExporter,
    TextGridExporter,
    HuggingFaceExporter,
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _item(
    audio_dir: Path,
    utterance_id: str,
    speaker_id: str,
    duration_ms: int,
    segments: tuple[Segment, ...],
    *,
    gender: str | None = None,
    age: int | None = None,
    accent: str | None = None,
    freq_hz: float = 440.0,
) -> ExportItem:
    wav = make_tone(audio_dir / f"{utterance_id}.wav", freq_hz=freq_hz, duration_ms=duration_ms)
    return ExportItem(
        utterance_id=utterance_id,
        audio_path=wav,
        sha256=_sha256(wav),
        duration_ms=duration_ms,
        sample_rate_hz=16000,
        channels=1,
        language="en",
        speaker_id=speaker_id,
        segments=segments,
        gender=gender,
        age=age,
        accent=accent,
    )


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    d = tmp_path / "audio"
    d.mkdir()
    return d


@pytest.fixture
def basic_items(audio_dir: Path) -> list[ExportItem]:
    """The fixed 3-item case behind the golden files."""
    return [
        _item(
            audio_dir,
            "utt001",
            "spk_a",
            1500,
            (
                Segment(0, 600, "hello world"),
                Segment(600, 700, ""),  # empty: skipped
                Segment(700, 1450, "[noise] good  morning", speaker="spk_a", noise=("[noise]",)),
            ),
            gender="female",
            age=34,
            accent="en-GB",
        ),
        _item(
            audio_dir,
            "utt002",
            "spk_b",
            1000,
            (Segment(120, 980, "yes please", confidence=0.9),),
            gender="M",
            freq_hz=330.0,
        ),
        _item(
            audio_dir,
            "utt003",
            "spk_a",
            2000,
            (Segment(250, 1000, "one two"), Segment(1200, 1900, "three <unk> four")),
            gender="f",
            age=34,
            accent="en-GB",
            freq_hz=550.0,
        ),
    ]


def _expected_segments(items: list[ExportItem]) -> dict[str, tuple[int, int, str]]:
    """Kaldi utterance id -> (start_ms, end_ms, cleaned text) for every non-empty segment."""
    out: dict[str, tuple[int, int, str]] = {}
    for item in items:
        for index, segment in enumerate(item.segments):
            text = " ".join(segment.text.split())
            if text:
                out[f"{item.speaker_id}-{item.utterance_id}-{index:03d}"] = (
                    segment.start_ms,
                    segment.end_ms,
                    text,
                )
    return out


def _check_manifest(manifest: ExportManifest, out_dir: Path, fmt: str, items: int) -> None:
    assert manifest.format == fmt
    assert manifest.items == items
    for rel, digest in manifest.files.items():
        assert digest == _sha256(out_dir / rel), rel


def _compare_golden(case: str, rel: str, actual: str) -> None:
    golden = GOLDEN / case / rel
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), f"{case}/{rel} differs from golden"


# --- protocol ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", EXPORTERS, ids=lambda c: c.name)
def test_exporter_satisfies_protocol(cls: type[Exporter]) -> None:
    assert isinstance(cls(), Exporter)
    assert cls.name in {"kaldi", "textgrid", "hf"}


# --- Kaldi ---------------------------------------------------------------------------------


def test_kaldi_golden(tmp_path: Path, audio_dir: Path, basic_items: list[ExportItem]) -> None:
    out = tmp_path / "kaldi"
    manifest = KaldiExporter().export(iter(basic_items), out)
    _check_manifest(manifest, out, "kaldi", 3)
    expected_files = {
        "wav.scp", "segments", "text", "utt2spk", "spk2utt", "spk2gender", "utt2lang", "reco2dur"
    }  # fmt: skip
    assert set(manifest.files) == expected_files
    assert {p.name for p in out.iterdir()} == expected_files  # temp runs cleaned up
    audio_root = str(audio_dir.resolve())
    for rel in sorted(manifest.files):
        text = (out / rel).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines == sorted(lines), f"{rel} is not sorted"
        _compare_golden("kaldi_basic", rel, text.replace(audio_root, AUDIO_DIR_TOKEN))


def test_kaldi_skips_empty_text_and_keeps_noise(
    tmp_path: Path, basic_items: list[ExportItem]
) -> None:
    out = tmp_path / "kaldi"
    KaldiExporter().export(basic_items, out)
    text = dict(line.split(" ", 1) for line in (out / "text").read_text().splitlines())
    assert "spk_a-utt001-001" not in text
    assert text["spk_a-utt001-002"] == "[noise] good morning"
    assert text["spk_a-utt003-001"] == "three <unk> four"


def test_kaldi_and_textgrid_drop_spaces_between_chinese_characters(
    tmp_path: Path, audio_dir: Path
) -> None:
    """Annotators type 春 眠 不 觉 or 春眠不觉 (scoring ignores such spaces); a delivery holds
    one form. A space next to a Latin word or a noise symbol stays."""
    items = [_item(audio_dir, "zh001", "spk_zh", 2000, (
        Segment(0, 900, "春 眠 不 觉 晓 ， 处 处 闻 啼 鸟 。"),
        Segment(900, 1900, "[noise] 打开 WiFi ， 然后 连接 打印机"),
    ))]
    KaldiExporter().export(items, tmp_path / "kaldi")
    text = (tmp_path / "kaldi" / "text").read_text(encoding="utf-8").splitlines()
    assert text == ["spk_zh-zh001-000 春眠不觉晓，处处闻啼鸟。",
                    "spk_zh-zh001-001 [noise] 打开 WiFi，然后连接打印机"]
    TextGridExporter().export(items, tmp_path / "tg")
    grid = next((tmp_path / "tg").rglob("*.TextGrid")).read_text(encoding="utf-8")
    assert '"春眠不觉晓，处处闻啼鸟。"' in grid and '"[noise] 打开 WiFi，然后连接打印机"' in grid


def test_hf_joins_chinese_segments_without_spaces(tmp_path: Path, audio_dir: Path) -> None:
    """The hf rows' text holds the one form Kaldi and TextGrid deliver: two Chinese segments
    were joined '春眠不觉晓， 处 处 闻…' (spaces Kaldi never has); each segment's text is
    cleaned alike (it was left as annotated, '处 处 闻 啼 鸟 。' beside a cleaned row text),
    so the row's text is its segments' texts joined; markup (noise symbols) stays in both."""
    items = [_item(audio_dir, "zh002", "spk_zh", 2000, (
        Segment(0, 900, "春眠不觉晓，"),
        Segment(900, 1500, "处 处 闻 啼 鸟 。"),
        Segment(1500, 1900, "[noise] 打开 WiFi"),
    ))]
    HuggingFaceExporter().export(items, tmp_path / "hf")
    row = json.loads((tmp_path / "hf" / "data.jsonl").read_text(encoding="utf-8"))
    assert row["text"] == "春眠不觉晓，处处闻啼鸟。[noise] 打开 WiFi"
    texts = [s["text"] for s in row["segments"]]
    assert texts == ["春眠不觉晓，", "处处闻啼鸟。", "[noise] 打开 WiFi"]  # as Kaldi's text lines
    assert clean_transcript(" ".join(texts)) == row["text"]


@pytest.mark.parametrize("use_reco2dur", [True, False], ids=["reco2dur", "read-audio"])
def test_kaldi_round_trip_through_lhotse(
    tmp_path: Path, basic_items: list[ExportItem], use_reco2dur: bool
) -> None:
    lhotse_kaldi = require_module("lhotse.kaldi")
    out = tmp_path / "kaldi"
    KaldiExporter().export(basic_items, out)
    recordings, supervisions, _ = lhotse_kaldi.load_kaldi_data_dir(
        out, sampling_rate=16000, use_reco2dur=use_reco2dur
    )
    assert supervisions is not None
    assert len(recordings) == 3
    for item in basic_items:
        rec = recordings[f"{item.speaker_id}-{item.utterance_id}"]
        assert rec.duration == pytest.approx(item.duration_ms / 1000)
        assert Path(rec.sources[0].source) == item.audio_path.resolve()
    expected = _expected_segments(basic_items)
    assert len(supervisions) == len(expected) == 5
    genders = {"spk_a": "f", "spk_b": "m"}
    for sup in supervisions:
        start_ms, end_ms, text = expected[sup.id]
        assert sup.text == text
        assert sup.start == pytest.approx(start_ms / 1000)
        assert sup.duration == pytest.approx((end_ms - start_ms) / 1000)
        assert sup.language == "en"
        assert sup.gender == genders[sup.speaker]
        assert sup.recording_id == sup.id.rsplit("-", 1)[0]
    # The audio itself is readable through lhotse.
    first = recordings[f"spk_a-{basic_items[0].utterance_id}"]
    assert first.load_audio().shape == (1, 24000)


def test_kaldi_pipes_stereo_other_rate_and_flac_through_sox(tmp_path: Path, audio_dir: Path) -> None:
    """One sample rate and one channel per data directory: a stereo take was named by its path
    (lhotse loaded 2 channels for a recording it declares mono; Kaldi takes channel 0 only), an
    8 kHz take beside 16 kHz ones broke Kaldi's feature extraction and a FLAC file is nothing
    Kaldi reads. They go through a sox pipe; a mono 16-bit WAV at the rate stays a path."""
    import numpy as np
    import soundfile as sf

    t16, t8 = np.arange(16000) / 16000, np.arange(8000) / 8000
    tone16, tone8 = 0.3 * np.sin(2 * np.pi * 440 * t16), 0.3 * np.sin(2 * np.pi * 440 * t8)
    sf.write(audio_dir / "st.wav", np.stack([tone16, tone16 * 0.5], 1), 16000, subtype="PCM_16")
    sf.write(audio_dir / "r8.wav", tone8, 8000, subtype="PCM_16")
    sf.write(audio_dir / "fl.flac", tone16, 16000, subtype="PCM_16")
    mono = _item(audio_dir, "mono", "s", 1000, (Segment(0, 900, "as is"),))
    items = [mono] + [
        dataclasses.replace(mono, utterance_id=u, audio_path=audio_dir / f, sample_rate_hz=sr,
                            channels=ch, segments=(Segment(0, 900, u),))
        for u, f, sr, ch in (("st", "st.wav", 16000, 2), ("r8", "r8.wav", 8000, 1),
                             ("fl", "fl.flac", 16000, 1))]
    out = tmp_path / "kaldi"
    KaldiExporter(sample_rate_hz=16000).export(items, out)
    scp = dict(line.split(" ", 1) for line in (out / "wav.scp").read_text().splitlines())
    assert scp["s-mono"] == str(mono.audio_path.resolve())
    for utt, name in (("st", "st.wav"), ("r8", "r8.wav"), ("fl", "fl.flac")):
        assert scp[f"s-{utt}"] == f"sox {(audio_dir / name).resolve()} -t wav -r 16000 -c 1 -b 16 - |"
    if shutil.which("sox") is None:
        require_tool("sox is not installed (the Kaldi pipes run it)")
    lhotse_kaldi = require_module("lhotse.kaldi")
    recordings, supervisions, _ = lhotse_kaldi.load_kaldi_data_dir(out, sampling_rate=16000)
    assert supervisions is not None and len(supervisions) == 4
    for rec in recordings:
        assert rec.load_audio().shape == (1, 16000), rec.id  # mono at the rate, one second


def test_kaldi_unknown_gender_omits_spk2gender(tmp_path: Path, audio_dir: Path) -> None:
    items = [
        _item(audio_dir, "u1", "s1", 1000, (Segment(0, 500, "a"),), gender="female"),
        _item(audio_dir, "u2", "s2", 1000, (Segment(0, 500, "b"),), gender=None),
        _item(audio_dir, "u3", "s3", 1000, (Segment(0, 500, "c"),), gender="nonbinary"),
    ]
    out = tmp_path / "kaldi"
    manifest = KaldiExporter().export(items, out)
    assert "spk2gender" not in manifest.files
    assert not (out / "spk2gender").exists()
    lhotse_kaldi = require_module("lhotse.kaldi")
    _, supervisions, _ = lhotse_kaldi.load_kaldi_data_dir(out, sampling_rate=16000)
    assert supervisions is not None
    assert sorted(s.text for s in supervisions) == ["a", "b", "c"]


def test_kaldi_conflicting_gender_raises(tmp_path: Path, audio_dir: Path) -> None:
    items = [
        _item(audio_dir, "u1", "s1", 1000, (Segment(0, 500, "a"),), gender="female"),
        _item(audio_dir, "u2", "s1", 1000, (Segment(0, 500, "b"),), gender="male"),
    ]
    with pytest.raises(InvalidInput, match="s1"):
        KaldiExporter().export(items, tmp_path / "kaldi")


def test_kaldi_external_sort_matches_in_memory(
    tmp_path: Path, audio_dir: Path, basic_items: list[ExportItem]
) -> None:
    more = [
        _item(audio_dir, f"x{i:02d}", f"spk_{'zyxw'[i % 4]}", 1000, (Segment(0, 900, f"w{i}"),))
        for i in range(12)
    ]
    items = list(reversed(basic_items + more))
    small = KaldiExporter(run_lines=3).export(items, tmp_path / "small")
    big = KaldiExporter().export(items, tmp_path / "big")
    assert small.files == big.files
    spk2utt = (tmp_path / "small" / "spk2utt").read_text().splitlines()
    assert [line.split()[0] for line in spk2utt] == [
        "spk_a",
        "spk_b",
        "spk_w",
        "spk_x",
        "spk_y",
        "spk_z",
    ]
    assert spk2utt[0].split()[1:] == sorted(spk2utt[0].split()[1:])


@pytest.mark.parametrize(
    ("utterance_id", "speaker_id", "field"),
    [("has space", "ok", "utterance_id"), ("ok", "a/b", "speaker_id"), ("", "ok", "utterance_id")],
    ids=["space-in-utterance", "slash-in-speaker", "empty-utterance"],
)
def test_kaldi_rejects_bad_ids(
    tmp_path: Path, audio_dir: Path, utterance_id: str, speaker_id: str, field: str
) -> None:
    base = _item(audio_dir, "ok", "ok", 1000, (Segment(0, 500, "a"),))
    item = dataclasses.replace(base, utterance_id=utterance_id, speaker_id=speaker_id)
    with pytest.raises(InvalidInput, match=field):
        KaldiExporter().export([item], tmp_path / "kaldi")


def test_korean_words_keep_their_spaces_in_every_format(tmp_path: Path, audio_dir: Path) -> None:
    """Korean separates words with spaces (scoring keeps them); the exporters took Hangul for
    Chinese and delivered 저는학생입니다 for 저는 학생입니다, in Kaldi, TextGrid and hf alike."""
    from praatio import textgrid as tgio

    item = dataclasses.replace(
        _item(audio_dir, "ko1", "s1", 1000, (Segment(0, 900, "저는 학생입니다  [noise] 감사합니다"),)),
        language="ko-KR")
    said = "저는 학생입니다 [noise] 감사합니다"
    KaldiExporter().export([item], tmp_path / "kaldi")
    assert (tmp_path / "kaldi" / "text").read_text(encoding="utf-8") == f"s1-ko1-000 {said}\n"
    TextGridExporter().export([item], tmp_path / "tg")
    grid = tgio.openTextgrid(str(tmp_path / "tg" / "ko1.TextGrid"), includeEmptyIntervals=False)
    assert [e.label for e in grid.getTier("transcript").entries] == [said]
    HuggingFaceExporter().export([item], tmp_path / "hf")
    row = json.loads((tmp_path / "hf" / "data.jsonl").read_text(encoding="utf-8"))
    assert row["text"] == said


# --- TextGrid ------------------------------------------------------------------------------


def test_textgrid_round_trip_through_praatio(tmp_path: Path, basic_items: list[ExportItem]) -> None:
    from praatio import textgrid as tgio

    out = tmp_path / "tg"
    manifest = TextGridExporter().export(basic_items, out)
    _check_manifest(manifest, out, "textgrid", 3)
    assert set(manifest.files) == {f"{i.utterance_id}.TextGrid" for i in basic_items}
    for item in basic_items:
        grid = tgio.openTextgrid(
            str(out / f"{item.utterance_id}.TextGrid"), includeEmptyIntervals=False
        )
        assert grid.minTimestamp == 0
        assert grid.maxTimestamp == pytest.approx(item.duration_ms / 1000)
        assert grid.tierNames == ("transcript", "speaker")
        expected = [
            (s.start_ms / 1000, s.end_ms / 1000, " ".join(s.text.split()))
            for s in item.segments
            if s.text.strip()
        ]
        transcript = [(e.start, e.end, e.label) for e in grid.getTier("transcript").entries]
        speaker = [(e.start, e.end, e.label) for e in grid.getTier("speaker").entries]
        assert transcript == expected
        # a segment naming no speaker has none in the tier (not the item's: read back, it
        # would name one)
        assert speaker == [(s.start_ms / 1000, s.end_ms / 1000, s.speaker)
                           for s in item.segments if s.text.strip() and s.speaker]


def test_textgrid_overlapping_speech_goes_into_lanes(tmp_path: Path, audio_dir: Path) -> None:
    """A spec may allow overlapping segments (two people talking at once); the delivery's
    TextGrid then holds them in lanes of tier pairs (it refused the whole delivery before),
    byte for byte as praatio saves such a grid, and praatio reads every lane back."""
    from praatio import textgrid as tgio
    from praatio.utilities.constants import Interval

    item = _item(audio_dir, "u1", "s1", 3000, (
        Segment(0, 1500, "你好，我们开始吧。", "spk_a"), Segment(1000, 2000, "好的 \"嗯\"", "spk_b"),
        Segment(1200, 1400, "[laughter]", "spk_c"), Segment(1500, 3000, "第二句", "spk_a")))
    out = tmp_path / "tg"
    TextGridExporter().export([item], out)
    path = out / "u1.TextGrid"
    grid = tgio.openTextgrid(str(path), includeEmptyIntervals=False)
    assert grid.tierNames == ("transcript", "speaker", "transcript_2", "speaker_2",
                              "transcript_3", "speaker_3")
    labels = {name: [(e.start, e.end, e.label) for e in grid.getTier(name).entries]
              for name in grid.tierNames}
    assert labels["transcript"] == [(0, 1.5, "你好，我们开始吧。"), (1.5, 3, "第二句")]
    assert labels["speaker"] == [(0, 1.5, "spk_a"), (1.5, 3, "spk_a")]
    assert labels["transcript_2"] == [(1, 2, '好的 "嗯"')]
    assert labels["speaker_2"] == [(1, 2, "spk_b")]
    assert labels["transcript_3"] == [(1.2, 1.4, "[laughter]")]
    expected = tgio.Textgrid(0, 3)
    for name, entries in labels.items():
        expected.addTier(tgio.IntervalTier(name, [Interval(*e) for e in entries], 0, 3))
    saved = tmp_path / "praatio.TextGrid"
    expected.save(str(saved), format="long_textgrid", includeBlankSpaces=True)
    assert path.read_bytes() == saved.read_bytes()


def test_textgrid_unsorted_segments_are_ordered(tmp_path: Path, audio_dir: Path) -> None:
    from praatio import textgrid as tgio

    item = _item(audio_dir, "u1", "s1", 1000, (Segment(500, 900, "b"), Segment(0, 400, "a")))
    TextGridExporter().export([item], tmp_path / "tg")
    grid = tgio.openTextgrid(str(tmp_path / "tg" / "u1.TextGrid"), includeEmptyIntervals=False)
    assert [e.label for e in grid.getTier("transcript").entries] == ["a", "b"]


# --- Hugging Face --------------------------------------------------------------------------


def _normalise_jsonl(text: str, audio_dir: Path, items: list[ExportItem]) -> str:
    hashes = {i.utterance_id: _sha256(i.audio_path) for i in items}
    lines = []
    for line in text.splitlines():
        row = json.loads(line)
        assert row["sha256"] == hashes[row["id"]]
        row["sha256"] = SHA_TOKEN
        row["audio"] = row["audio"].replace(str(audio_dir.resolve()), AUDIO_DIR_TOKEN)
        lines.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def test_hf_golden(tmp_path: Path, audio_dir: Path, basic_items: list[ExportItem]) -> None:
    out = tmp_path / "hf"
    manifest = HuggingFaceExporter().export(basic_items, out)
    _check_manifest(manifest, out, "hf", 3)
    assert set(manifest.files) == {"data.jsonl", "data.parquet"}
    text = (out / "data.jsonl").read_text(encoding="utf-8")
    _compare_golden("hf_basic", "data.jsonl", _normalise_jsonl(text, audio_dir, basic_items))


@pytest.mark.parametrize("builder", ["json", "parquet"])
def test_hf_round_trip_through_datasets(
    tmp_path: Path, basic_items: list[ExportItem], builder: str
) -> None:
    datasets = require_module("datasets")
    out = tmp_path / "hf"
    HuggingFaceExporter(batch_rows=2).export(basic_items, out)
    data_file = out / ("data.jsonl" if builder == "json" else "data.parquet")
    ds = datasets.load_dataset(
        builder, data_files=str(data_file), split="train", cache_dir=str(tmp_path / "hf_cache")
    )
    assert ds.num_rows == 3
    assert ds.column_names == [
        "id", "audio", "text", "segments", "speaker_id", "gender", "age", "accent",
        "language", "duration_s", "sample_rate", "sha256",
    ]  # fmt: skip
    for row, item in zip(ds, basic_items, strict=True):
        assert row["id"] == item.utterance_id
        assert row["audio"] == str(item.audio_path.resolve())
        assert row["text"] == " ".join(item.text.split())  # as Kaldi's text
        assert row["speaker_id"] == item.speaker_id
        assert row["gender"] == item.gender
        assert row["age"] == item.age
        assert row["duration_s"] == pytest.approx(item.duration_ms / 1000)
        assert row["sample_rate"] == 16000
        assert row["sha256"] == item.sha256
        segments = row["segments"]
        if isinstance(segments, dict):  # datasets may present list<struct> column-wise
            segments = [
                dict(zip(segments, vals, strict=True))
                for vals in zip(*segments.values(), strict=True)
            ]
        # each segment's text cleaned as the row's text is ('good  morning' -> 'good morning')
        cleaned = [dataclasses.replace(s, text=clean_transcript(s.text)) for s in item.segments]
        assert [(s["start_ms"], s["end_ms"], s["text"]) for s in segments] == [
            (s.start_ms, s.end_ms, s.text) for s in cleaned
        ]
        assert [Segment.from_dict(s) for s in segments] == cleaned


def test_hf_json_loads_with_late_typed_optionals(tmp_path: Path, audio_dir: Path) -> None:
    """Nulls in the first JSON chunk, values later: hf_features() keeps the load working."""
    datasets = require_module("datasets")
    from datamill.modalities.speech.exporters.hf import hf_features

    def items() -> Iterator[ExportItem]:
        wav = make_tone(audio_dir / "t.wav")
        for i in range(300):
            late = i >= 290
            yield ExportItem(
                utterance_id=f"u{i:03d}",
                audio_path=wav,
                sha256="0" * 64,
                duration_ms=1000,
                sample_rate_hz=16000,
                channels=1,
                language="en",
                speaker_id="s1",
                segments=(
                    Segment(0, 500, "a", speaker="x" if late else None, noise=("[n]",) * late,
                            confidence=0.5 if late else None),
                ),
                gender="female" if late else None,
                age=30 if late else None,
            )  # fmt: skip

    out = tmp_path / "hf"
    HuggingFaceExporter().export(items(), out)
    ds = datasets.load_dataset(
        "json",
        data_files=str(out / "data.jsonl"),
        split="train",
        features=hf_features(),
        chunksize=4096,  # many chunks, the first ones all-null in the optional columns
        cache_dir=str(tmp_path / "hf_cache"),
    )
    assert ds.num_rows == 300
    assert ds[299]["age"] == 30
    assert ds[299]["segments"][0]["confidence"] == 0.5
    assert ds[0]["segments"][0]["noise"] == []


# --- shared behaviour ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", EXPORTERS, ids=lambda c: c.name)
def test_duplicate_utterance_id_raises(
    tmp_path: Path, basic_items: list[ExportItem], cls: type[Exporter]
) -> None:
    items = [*basic_items, basic_items[1]]
    with pytest.raises(InvalidInput, match="utt002") as excinfo:
        cls().export(items, tmp_path / "out")
    assert excinfo.value.details["utterance_id"] == "utt002"


@pytest.mark.parametrize("cls", EXPORTERS, ids=lambda c: c.name)
def test_invalid_segment_times_raise(tmp_path: Path, audio_dir: Path, cls: type[Exporter]) -> None:
    item = _item(audio_dir, "u1", "s1", 1000, (Segment(500, 500, "a"),))
    with pytest.raises(InvalidInput, match="u1"):
        cls().export([item], tmp_path / "out")


@pytest.mark.parametrize("cls", EXPORTERS, ids=lambda c: c.name)
def test_empty_input_writes_valid_output(tmp_path: Path, cls: type[Exporter]) -> None:
    out = tmp_path / "nested" / "out"
    manifest = cls().export(iter(()), out)
    assert out.is_dir()
    _check_manifest(manifest, out, cls.name, 0)


def _synthetic(wav: Path, n: int, alive: list[weakref.ref[ExportItem]]) -> Iterator[ExportItem]:
    """Yield ``n`` items on one wav; fail if the exporter still holds items from two steps back."""
    digest = _sha256(wav)
    for i in range(n):
        if i >= 2:
            assert alive[i - 2]() is None, f"exporter kept item {i - 2} alive"
        item = ExportItem(
            utterance_id=f"u{i:06d}",
            audio_path=wav,
            sha256=digest,
            duration_ms=1000,
            sample_rate_hz=16000,
            channels=1,
            language="en",
            speaker_id=f"s{i % 97:03d}",
            segments=(Segment(0, 450, "hello there"), Segment(500, 950, f"number {i} [noise]")),
            gender="female" if (i % 97) % 2 else "male",
        )
        alive.append(weakref.ref(item))
        yield item


@pytest.mark.parametrize("cls", EXPORTERS, ids=lambda c: c.name)
def test_streaming_export_of_20000_items(tmp_path: Path, cls: type[Exporter]) -> None:
    wav = make_tone(tmp_path / "tone.wav")
    alive: list[weakref.ref[ExportItem]] = []
    manifest = cls().export(_synthetic(wav, 20_000, alive), tmp_path / "out")
    assert manifest.items == 20_000
    assert len(alive) == 20_000
    # linear work, counted rather than timed (bench/export_items.py measures the speed): 4
    # times the items, about 4 times the lines of datamill Python run (quadratic: 16)
    few, more = (python_lines(lambda n=n: cls().export(
        _synthetic(wav, n, []), tmp_path / f"out{n}")) for n in (100, 400))
    assert more < 5 * few, (few, more)


def test_kaldi_and_textgrid_agree_on_segment_speakers(tmp_path: Path, audio_dir: Path) -> None:
    """A conversation's segments carry their own speakers (a trial user found Kaldi writing the
    recording's speaker for both while the TextGrid named each): both formats name them."""
    from praatio import textgrid as tgio

    lhotse_kaldi = require_module("lhotse.kaldi")
    item = _item(audio_dir, "call1", "spk1", 2500, (
        Segment(0, 1000, "[laughter] hi", speaker="S2", noise=("[laughter]",)),
        Segment(1000, 2500, "the cat sat on the mat", speaker="S1")), gender="female")
    KaldiExporter().export([item], tmp_path / "kaldi")
    utt2spk = (tmp_path / "kaldi" / "utt2spk").read_text().splitlines()
    assert utt2spk == ["S1-call1-001 S1", "S2-call1-000 S2"]
    assert not (tmp_path / "kaldi" / "spk2gender").exists()  # S1 and S2's genders are unknown
    _, supervisions, _ = lhotse_kaldi.load_kaldi_data_dir(tmp_path / "kaldi", sampling_rate=16000)
    assert supervisions is not None
    assert {(s.speaker, s.text, s.recording_id) for s in supervisions} == {
        ("S2", "[laughter] hi", "spk1-call1"), ("S1", "the cat sat on the mat", "spk1-call1")}
    TextGridExporter().export([item], tmp_path / "tg")
    grid = tgio.openTextgrid(str(tmp_path / "tg" / "call1.TextGrid"), includeEmptyIntervals=False)
    assert [e.label for e in grid.getTier("speaker").entries] == ["S2", "S1"]


def test_kaldi_spk2gender_reads_chinese_gender_words(tmp_path: Path, audio_dir: Path) -> None:
    """Trial h6 (round 4): a manifest's 女/男性 were unknown genders, so the whole delivery's
    spk2gender was left out (lhotse then read no speaker's gender)."""
    items = [_item(audio_dir, "u1", "s1", 1000, (Segment(0, 500, "a"),), gender="女"),
             _item(audio_dir, "u2", "s2", 1000, (Segment(0, 500, "b"),), gender="男性")]
    out = tmp_path / "kaldi"
    KaldiExporter().export(items, out)
    assert (out / "spk2gender").read_text(encoding="utf-8") == "s1 f\ns2 m\n"
    lhotse_kaldi = require_module("lhotse.kaldi")
    _, supervisions, _ = lhotse_kaldi.load_kaldi_data_dir(out, sampling_rate=16000)
    assert supervisions is not None
    assert {s.speaker: s.gender for s in supervisions} == {"s1": "f", "s2": "m"}


def test_kaldi_spk2gender_reads_the_quota_gender_words(tmp_path: Path, audio_dir: Path) -> None:
    """The exporter had its own gender table beside collection_spec.canonical_gender: ``W`` (a
    woman to the speaker quotas) was an unknown gender to it, so spk2gender was left out."""
    from datamill.production.collection_spec import canonical_gender  # noqa: PLC0415

    items = [_item(audio_dir, "u1", "s1", 1000, (Segment(0, 500, "a"),), gender="W"),
             _item(audio_dir, "u2", "s2", 1000, (Segment(0, 500, "b"),), gender="Man")]
    out = tmp_path / "kaldi"
    KaldiExporter().export(items, out)
    assert [canonical_gender("W"), canonical_gender("Man")] == ["female", "male"]
    assert (out / "spk2gender").read_text(encoding="utf-8") == "s1 f\ns2 m\n"
