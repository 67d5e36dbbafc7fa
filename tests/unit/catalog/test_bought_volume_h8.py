"""A release built from a bought set counts its recordings' hours: the set is registered before
a dataset names its modality, so its files carried no volume, and 3 bought WAVs of 400 ms were
released as 0.0 hours. A file that is not the modality's media (a README) holds none and is
no item: 10 WAVs and a README were 11 items, and the README the first sample."""

from __future__ import annotations

from pathlib import Path

from datamill.catalog import datasets, releases
from datamill.demo.catalog_demo import tone_wav
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people


def test_a_bought_speech_set_is_released_with_its_hours(sqlite_runtime: Runtime,
                                                        tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    folder = tmp_path / "bought"
    folder.mkdir()
    for i in range(10):
        (folder / f"u{i}.wav").write_bytes(tone_wav(300.5 + i))
    (folder / "README.txt").write_text("read me", encoding="utf-8")
    with rt.session() as s:
        tp = datasets.register_third_party(
            s, rt.blobs, who["pm"], name="bought-asr", supplier="P", contract_ref="TP-9",
            folder=folder, sublicensable=True, permanent=True, consent_basis="warranted")
        ds = datasets.create_dataset(s, who["pm"], name="bought-asr", title="Bought ASR",
                                     modality="speech.asr", languages=["zh-CN"])
        datasets.add_source(s, who["pm"], ds.id, third_party_id=tp.id)
        out = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "releases")
        rel = releases.release_row(s, out.id)
        assert rel.volume == 4000 and rel.datasheet["volume"]["amount"] == 4000
        assert rel.entry["hours"] == 0.0011 and rel.entry["volume"]["value"] == 0.0011
        assert rel.items == rel.entry["items"] == rel.datasheet["items"] == 10
        assert rel.datasheet["owners"] == {"third_party": 10}
        assert [Path(x).suffix for x in rel.entry["samples"]] == [".wav"]
