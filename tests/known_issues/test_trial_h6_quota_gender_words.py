"""Trial h6 (round 4): a vendor's manifest that writes gender as ``F``/``M`` or ``女``/``男``
filled no quota cell (the cells say ``female``/``male``): the dashboard showed the cells empty
and every take as outside the quotas. The usual words for a gender now count as that gender."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import soundfile as sf

from datamill.collection.quotas import quota_progress
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from tests.unit.collection.helpers import collect_spec

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.runtime import Runtime


def test_gender_words_of_a_manifest_fill_their_cells(runtime: Runtime, tmp_path: Path) -> None:
    rows = []
    for i, (spk, gender) in enumerate([("w1", "F"), ("w2", "女"), ("m1", "Male"), ("m2", "男性")]):
        tone = 0.1 * np.sin(np.linspace(0, (900 + 100 * i) * np.pi, 16000))  # distinct files
        sf.write(tmp_path / f"u{i}.wav", tone.astype(np.float32), 16000, subtype="PCM_16")
        rows.append({"path": f"u{i}.wav", "speaker_id": spk, "gender": gender, "age": 30})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    cells = [{"name": "women", "gender": "female", "speakers": 5},
             {"name": "men", "gender": "男", "speakers": 5}]
    with runtime.session() as s:
        pid = create_project(s, collect_spec(cells=cells, age_bands=[])).id
        import_source(s, runtime.blobs, pid, manifest)
        got = {c["label"]: c["counted"]["speakers"] for c in quota_progress(s, pid)["cells"]}
    assert got == {"women": 2, "men": 2}
