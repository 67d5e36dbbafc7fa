"""Trial 7: an item id that no speech delivery can name (a space, a subfolder) was imported,
annotated, inspected and paid for, then refused by ``delivery create`` ("cannot be a file name
or a Kaldi key") with no way to rename the item. The import refuses such a row now, saying how
to fix it; ids the deliveries take are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder


def test_ids_no_delivery_can_name_are_refused_at_import(runtime: Runtime, tmp_path: Path) -> None:
    src = speech_folder(tmp_path, 3)
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(src / "utt000.wav", folder / "录音 01.wav")
    shutil.copyfile(src / "utt001.wav", folder / "sub" / "ok.wav")
    shutil.copyfile(src / "utt002.wav", folder / "录音02.wav")
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (1, 2)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert set(reasons) == {"录音 01.wav", "sub/ok.wav"}
    for source, reason in reasons.items():
        assert "cannot be a file name or a Kaldi key" in reason, source
        assert "give its manifest row an 'id'" in reason
    with runtime.session() as s:
        assert s.scalars(select(Item.external_id).where(Item.project_id == pid)).all() == ["录音02"]
