"""Imports of items from a full quota cell are flagged or set aside, per ``on_full``."""

from __future__ import annotations

import json

import pytest

from datamill.collection.quotas import quota_progress
from datamill.core.errors import InvalidInput
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.spec import parse_spec
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

from .helpers import PROMPTS, collect_spec


@pytest.mark.parametrize("on_full", ["flag", "set_aside"])
def test_import_into_full_cell(runtime, tmp_path, on_full):
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    rows = []
    for i, (spk, gender, age) in enumerate([("w1", "female", 20), ("w2", "female", 25),
                                            ("m1", "male", 30), ("m1", "male", 30),
                                            ("m1", "male", 30)]):
        synthesize(PROMPTS[i % 3], tmp_path / f"u{i}.wav", seed=i)
        rows.append({"path": f"u{i}.wav", "speaker_id": spk, "gender": gender, "age": age})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, collect_spec(on_full=on_full)).id
        import_source(s, runtime.blobs, pid, manifest)
        items = {i.external_id: i for i in s.query(Item).filter_by(project_id=pid)}
        quotas = quota_progress(s, pid)
    assert not items["u0"].meta.get("quota")
    second_woman = items["u1"]  # young women: 1 speaker
    assert "young women is full: 1 of 1 speakers" in second_woman.meta["quota"]["reason"]
    third_item = items["u4"]  # young men: 2 items
    assert "young men is full: 2 of 2 items" in third_item.meta["quota"]["reason"]
    assert not items["u3"].meta.get("quota")
    if on_full == "set_aside":
        assert second_woman.status == third_item.status == "rejected"
        assert second_woman.reject_reasons[0].startswith("quota: ")
    else:
        assert second_woman.status == third_item.status == "imported"
    cells = {c["label"]: c for c in quotas["cells"]}
    assert cells["young men"]["in_progress"]["items"] == (3 if on_full == "flag" else 2)


def test_spec_validation():
    with pytest.raises(InvalidInput, match="needs a target"):
        parse_spec(collect_spec(cells=[{"gender": "female"}]))
    with pytest.raises(InvalidInput, match="not one of the age_bands"):
        parse_spec(collect_spec(cells=[{"age_band": "kids", "speakers": 3}]))
    spec, _ = parse_spec(collect_spec(cells=[{"region": "north", "device": "phone", "hours": 2}]))
    assert spec.collection is not None and spec.collection.cells[0].accent == "north"
