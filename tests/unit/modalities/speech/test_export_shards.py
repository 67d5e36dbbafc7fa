"""Speech exports written in shards and merged (``datamill.modalities.shards``) are the
package the unsharded export writes: the same TextGrid files byte for byte, the same JSON
Lines, a Parquet file ``datasets`` reads as the same rows; an id repeated across shards is
refused as a repeat within one export is."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.shards import merge_shard_folders
from datamill.modalities.speech.exporters.hf import HuggingFaceExporter
from datamill.modalities.speech.exporters.textgrid import TextGridExporter
from datamill.modalities.speech.types import ExportItem, Segment
from datamill.testing.synth import make_tone
from tests._tools import require_module


def _items(folder: Path, n: int) -> list[ExportItem]:
    wav = make_tone(folder / "tone.wav", freq_hz=440.0, duration_ms=1200)
    digest = hashlib.sha256(wav.read_bytes()).hexdigest()
    return [
        ExportItem(
            utterance_id=f"spk{i % 3}-utt{i:04d}",
            audio_path=wav, sha256=digest, duration_ms=1200, sample_rate_hz=16000, channels=1,
            language="zh-CN", speaker_id=f"spk{i % 3}",
            segments=(Segment(0, 600, f"第{i}句，你好。"), Segment(600, 1200, "[noise]", noise=("[noise]",))),
            gender=("female", "male")[i % 2],
        )
        for i in range(n)
    ]


def _sharded(exporter: TextGridExporter | HuggingFaceExporter, items: list[ExportItem],
             root: Path, size: int) -> tuple[Path, dict[str, str], int]:
    parts = []
    for k in range(0, len(items), size):
        folder = root / "shards" / f"{k:05d}"
        parts.append((folder, exporter.export(items[k : k + size], folder)))
    manifest = exporter.merge_shards(parts, root / "merged")
    return root / "merged", dict(manifest.files), manifest.items


@pytest.mark.parametrize("size", [1, 7, 25])
def test_textgrid_shards_merge_into_the_same_files(tmp_path: Path, size: int) -> None:
    items = _items(tmp_path, 25)
    whole = TextGridExporter().export(items, tmp_path / "whole")
    merged, files, n = _sharded(TextGridExporter(), items, tmp_path, size)
    assert n == 25 and files == dict(whole.files) and len(files) == 25
    for name, digest in files.items():
        data = (merged / name).read_bytes()
        assert data == (tmp_path / "whole" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest


def test_hf_shards_merge_into_the_same_lines_and_rows(tmp_path: Path) -> None:
    datasets = require_module("datasets")
    items = _items(tmp_path, 23)
    exporter = HuggingFaceExporter(batch_rows=4)  # several row groups per shard
    whole = exporter.export(items, tmp_path / "whole")
    merged, files, n = _sharded(exporter, items, tmp_path, 10)
    assert n == 23 and set(files) == set(whole.files)
    assert files["data.jsonl"] == whole.files["data.jsonl"]
    assert (merged / "data.jsonl").read_bytes() == (tmp_path / "whole" / "data.jsonl").read_bytes()
    parquet = merged / "data.parquet"
    assert hashlib.sha256(parquet.read_bytes()).hexdigest() == files["data.parquet"]
    assert pq.read_table(parquet).equals(pq.read_table(tmp_path / "whole" / "data.parquet"))
    rows = datasets.load_dataset("parquet", data_files=str(parquet), split="train",
                                 cache_dir=str(tmp_path / "cache"))
    assert rows["id"] == [item.utterance_id for item in items]
    # the item's text as Kaldi and TextGrid deliver it: no space beside Chinese punctuation
    assert rows[22]["text"] == "第22句，你好。[noise]"


def test_an_id_repeated_across_shards_is_refused(tmp_path: Path) -> None:
    items = _items(tmp_path, 12)
    items[-1] = dataclasses.replace(items[-1], utterance_id=items[0].utterance_id)
    with pytest.raises(InvalidInput, match="duplicate utterance id"):
        HuggingFaceExporter().export(items, tmp_path / "whole")
    with pytest.raises(InvalidInput, match="duplicate utterance id"):
        _sharded(HuggingFaceExporter(), items, tmp_path / "hf", 5)
    with pytest.raises(InvalidInput, match="written twice"):
        _sharded(TextGridExporter(), items, tmp_path / "tg", 5)


def test_left_out_objects_and_items_add_up_across_shards(tmp_path: Path) -> None:
    from datamill.modalities.base import ExportManifest

    parts = []
    for k, left in enumerate(({"polygon": 2}, {}, {"polygon": 1, "mask": 3})):
        folder = tmp_path / f"{k}"
        folder.mkdir()
        (folder / f"{k}.txt").write_text(str(k))
        digest = hashlib.sha256(str(k).encode()).hexdigest()
        parts.append((folder, ExportManifest(format="x", files={f"{k}.txt": digest}, items=k + 1,
                                             left_out=left)))
    merged = merge_shard_folders("x", parts, tmp_path / "out")
    assert merged.items == 6 and merged.left_out == {"mask": 3, "polygon": 3}
    assert sorted((tmp_path / "out").iterdir()) == [tmp_path / "out" / f"{k}.txt" for k in range(3)]
