"""``datamill data items`` worded a set-aside item's reasons in zh-CN only while it was
``rejected``: once a re-recording superseded it, its stored reasons (why it was set aside)
showed in English in a Chinese table (a trial: ``check_failed: the automatic check of this
recording failed ...`` and the checks' own English). They are worded whatever the status."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.superseding import supersede_item
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.unit.collection.helpers import collect_spec


def test_a_superseded_item_s_reasons_are_worded(runtime: Runtime, users: dict[str, User],
                                                 tmp_path: Path) -> None:
    rows = []
    for i in range(2):  # a steady tone: the snr check sets it aside (no speech stands out)
        tone = 0.1 * np.sin(np.linspace(0, (900 + 100 * i) * np.pi, 16000))
        sf.write(tmp_path / f"t{i}.wav", tone.astype(np.float32), 16000, subtype="PCM_16")
        rows.append({"path": f"t{i}.wav", "speaker_id": "s1"})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, collect_spec("superseded-words")).id
        add_member(s, pid, users["pm"], actor_id=None)
        import_source(s, runtime.blobs, pid, manifest)
        s.commit()
        run_checks(s, runtime.blobs, pid, workers=1)
        first, second = s.query(Item).filter(Item.project_id == pid).order_by(Item.id).all()
        assert first.status == "rejected", first.reject_reasons
        supersede_item(s, first.id, second.id)
        s.commit()
    env = {"DATAMILL_DATABASE_URL": str(runtime.settings.database_url)}
    out = run_cli(runtime.settings.home, "data", "items", str(pid), "--item", str(first.id),
                  "--as", "pm", DATAMILL_LANG="zh-CN", columns=400, **env).stdout
    assert "录音中听不出语音" in out, out
    assert "no speech stands out" not in out, out
