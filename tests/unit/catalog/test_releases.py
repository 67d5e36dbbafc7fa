"""Releases: content-addressed, immutable, with datasheet and entry; tampering is detected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.catalog import datasets, releases
from datamill.catalog.models import CatalogDataset
from datamill.core.errors import Conflict, InvalidInput
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, released


def test_release_is_named_by_its_manifest(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        rel = releases.get_release(s, who["sales"], rel_id)
        root = Path(rel.path)
        manifest = json.loads((root / "manifest.json").read_text())["files"]
        assert releases.manifest_digest(manifest) == rel.manifest_sha256
        assert rel.version == 1 and rel.items == 3
        entry = rel.entry
        assert entry["languages"] == ["zh-CN"] and entry["speakers"] == 2
        assert entry["devices"] == ["phone"] and entry["copyright_no"] == "2019SR0001"
        assert entry["hours"] == pytest.approx(1200 / 3_600_000, abs=1e-4)
        assert entry["samples"] == []  # 3 files: none (releases.sample_count)
        sheet = releases.datasheet(s, who["sales"], rel_id)
        assert sheet["distributions"]["gender"] == {"female": 2, "male": 1}
        prov = json.loads((root / "provenance.json").read_text())["sources"]
        assert prov[0]["owner"] == "company" and prov[0]["consent_basis"]
        assert releases.verify_release(s, rel_id).intact
        assert s.get(CatalogDataset, ds_id).status == "released"  # type: ignore[union-attr]
    # same content again: refused as the release that already has it
    with runtime.session() as s, pytest.raises(Conflict, match="already"):
        releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")


def test_tampered_release_is_detected_and_refused(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    _, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        root = Path(releases.get_release(s, who["pm"], rel_id).path)
    victim = sorted((root / "data").iterdir())[0]
    victim.unlink()  # break the hard link to the blob before writing
    victim.write_bytes(b"not the recorded bytes")
    (root / "extra.txt").write_text("smuggled")
    with runtime.session() as s:
        report = releases.verify_release(s, rel_id)
        assert not report.intact
        assert any("content changed" in p for p in report.problems)
        assert any("extra.txt" in p for p in report.problems)
        with pytest.raises(Conflict, match="no longer matches its manifest"):
            releases.require_intact(s, rel_id)


def test_entry_fields_are_validated(runtime: Runtime) -> None:
    who = people(runtime)
    with runtime.session() as s:
        with pytest.raises(InvalidInput, match="BCP-47"):
            datasets.create_dataset(s, who["pm"], name="x", title="x", modality="speech.asr",
                                    languages=["Mandarin"])
        with pytest.raises(InvalidInput, match="outside its band"):
            datasets.create_dataset(s, who["pm"], name="y", title="y", modality="speech.asr",
                                    languages=["zh-CN"], price="5", price_low="10",
                                    price_high="20")
        ok = datasets.create_dataset(s, who["pm"], name="z", title="z", modality="speech.asr",
                                     languages=["yue-HK", "zh-CN-x-sichuan"])
        assert ok.status == "in_development"


def test_a_release_counts_only_identified_speakers(runtime: Runtime, tmp_path: Path) -> None:
    """A file without a speaker id (or with the placeholder ``unknown``) is no speaker: the
    datasheet counts it in ``items_without_speaker`` (a trial's sheet said 1 speaker)."""
    from datamill.demo.catalog_demo import tone_wav

    who = people(runtime)
    files = [{"name": f"u{i}.wav", "data": tone_wav(300 + 40 * i, ms=400), "volume": 400,
              "text": "你好", "attributes": {"duration_ms": 400, "sample_rate_hz": 16000,
                                             "channels": 1, **({"speaker_id": sid} if sid else {})}}
             for i, sid in enumerate(["", "unknown", "spk1", None])]
    _, rel_id = released(runtime, who, tmp_path, name="zh-unlabelled", files=files)
    with runtime.session() as s:
        sheet = releases.datasheet(s, who["sales"], rel_id)
        assert (sheet["speakers"], sheet["items_without_speaker"]) == (1, 3)
        assert releases.get_release(s, who["sales"], rel_id).entry["speakers"] == 1


def test_a_release_counts_a_speaker_once_however_spelled(runtime: Runtime,
                                                          tmp_path: Path) -> None:
    """``Li Wei``, ``li wei ``, full-width ``ＬＩ　ＷＥＩ`` are one speaker, as quotas and
    deliveries count them (``speaker_key``); the datasheet said 3 speakers, and a fourth
    file's full-width ``ＵＮＫＮＯＷＮ`` was a speaker too."""
    from datamill.demo.catalog_demo import tone_wav

    who = people(runtime)
    files = [{"name": f"u{i}.wav", "data": tone_wav(310 + 40 * i, ms=400), "volume": 400,
              "text": "你好", "attributes": {"duration_ms": 400, "sample_rate_hz": 16000,
                                             "channels": 1, "speaker_id": sid}}
             for i, sid in enumerate(["Li Wei", "li wei ", "ＬＩ　ＷＥＩ", "ＵＮＫＮＯＷＮ", "王芳"])]
    _, rel_id = released(runtime, who, tmp_path, name="zh-spellings", files=files)
    with runtime.session() as s:
        sheet = releases.datasheet(s, who["sales"], rel_id)
        assert (sheet["speakers"], sheet["items_without_speaker"]) == (2, 1)
        root = Path(releases.get_release(s, who["sales"], rel_id).path)
    rows = [json.loads(line) for line in (root / "labels.jsonl").read_text().splitlines()]
    named = sorted(r["attributes"]["speaker_id"] for r in rows)
    assert named == ["Li Wei", "Li Wei", "Li Wei", "王芳", "ＵＮＫＮＯＷＮ"]
    labelled = sorted(r["attributes"].get("speaker_id_labelled", "") for r in rows)
    assert labelled == ["", "", "", "li wei ", "ＬＩ　ＷＥＩ"]
