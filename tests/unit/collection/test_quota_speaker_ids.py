"""A quota cell counts people: a speaker id is one person whatever its letter case
(``SPK01`` and ``spk01`` from one vendor are one speaker), and two vendors' speaker ids are
their own numbering (vendor A's ``SPK01`` and vendor B's ``SPK01`` are two people)."""

from __future__ import annotations

import json
import math
import struct
import wave
from pathlib import Path

from datamill.collection.quotas import quota_progress
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project

from .helpers import collect_spec


def _tone(path: Path, seed: int) -> None:
    """Half a second of a 16 kHz tone (its pitch differs per file, so no two are copies)."""
    rate, hz = 16000, 200 + 37 * seed
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * n / rate)))
                      for n in range(rate // 2))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def _deliver(tmp: Path, name: str, speakers: list[str], seed: int) -> Path:
    folder = tmp / name
    folder.mkdir()
    rows = []
    for i, spk in enumerate(speakers):
        _tone(folder / f"{name}{i}.wav", seed + i)
        rows.append({"path": f"{name}{i}.wav", "speaker_id": spk, "gender": "female", "age": 30})
    manifest = folder / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return manifest


def test_speaker_ids_are_people_per_vendor(runtime, tmp_path):
    cells = [{"name": "women", "gender": "female", "speakers": 2}]
    with runtime.session() as s:
        pid = create_project(s, collect_spec(cells=cells, age_bands=[])).id
        # vendor 7 spells its one speaker two ways: one person, the cell has room for another
        import_source(s, runtime.blobs, pid, _deliver(tmp_path, "a", ["SPK01", "spk01"], 0),
                      supplier_vendor_id=7)
        assert quota_progress(s, pid)["cells"][0]["counted"]["speakers"] == 1
        # vendor 8 numbers its own people from 1 too: its SPK01 is a second woman
        import_source(s, runtime.blobs, pid, _deliver(tmp_path, "b", ["SPK01"], 10),
                      supplier_vendor_id=8)
        assert quota_progress(s, pid)["cells"][0]["counted"]["speakers"] == 2
        # a third person (vendor 8's Spk02) finds the cell full; vendor 7's spk01 does not
        import_source(s, runtime.blobs, pid, _deliver(tmp_path, "c", ["Spk02"], 20),
                      supplier_vendor_id=8)
        import_source(s, runtime.blobs, pid, _deliver(tmp_path, "d", ["Spk01"], 30),
                      supplier_vendor_id=7)
        items = {i.external_id: i for i in s.query(Item).filter_by(project_id=pid)}
    assert not items["a1"].meta.get("quota")
    assert not items["b0"].meta.get("quota")
    assert "is full: 2 of 2 speakers" in items["c0"].meta["quota"]["reason"]
    assert not items["d0"].meta.get("quota")


def test_inviting_another_spelling_is_the_same_subject(runtime, users):
    from datamill.collection import staff
    from datamill.collection.models import CollectionSubject

    from .helpers import collection_project

    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        first = staff.create_invite(s, pm, pid, "SPK01")
        again = staff.create_invite(s, pm, pid, "spk01")
        rows = s.query(CollectionSubject).filter_by(project_id=pid).all()
    assert [r.subject_id for r in rows] == ["SPK01"]  # one person, two links
    assert again["subject_id"] == first["subject_id"] == "SPK01"
    assert again["token"] != first["token"]
