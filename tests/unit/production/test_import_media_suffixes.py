"""A manifest may name only the modality's media files. Before, a text project took any file
(its reader decodes any UTF-8) and an in-place import probed nothing, so ``evil.js`` and an
XHTML ``page.xml`` became items that the media route served back from this site as a script
and a document; the document's ``<script src>`` on the same origin passed the page's
``script-src 'self'`` policy (a stored XSS against whoever opened the link)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.known_issues._import_case import project, tones
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

_XHTML = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
          '<script src="/web/api/items/1/media"></script></body></html>')


def _evil(folder: Path, good: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil.js").write_text("document.title = 'owned';", encoding="utf-8")
    (folder / "page.xml").write_text(_XHTML, encoding="utf-8")
    (folder / "page.XHTML").write_text(_XHTML, encoding="utf-8")
    rows = [{"path": "evil.js", "id": "js"}, {"path": "page.xml", "id": "xml"},
            {"path": "page.XHTML", "id": "xhtml"}, {"path": good, "id": "good"}]
    manifest = folder / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return manifest


def _ids(runtime: Runtime, pid: int) -> set[str]:
    with runtime.session() as s:
        return set(s.scalars(select(Item.external_id).where(Item.project_id == pid)))


def test_a_text_manifest_takes_only_text_files(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "text"
    folder.mkdir()
    (folder / "fine.txt").write_text("Marie Curie moved to Paris.", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, {
            "name": "text-suffixes", "modality": "text", "language": "en",
            "project_type": "custom_service", "stages": ["annotate"], "package_size": 5,
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}).id
        report = import_source(s, runtime.blobs, pid, _evil(folder, "fine.txt"))
    assert (report.imported, report.rejected) == (1, 3)
    assert _ids(runtime, pid) == {"good"}
    reasons = [r["reason"] for r in report.rejections]
    assert reasons[0] == "'evil.js' is not a text file (the project takes .txt)"


def test_an_in_place_import_takes_only_media_files(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "speech"
    tones(folder, 1)
    pid = project(runtime, "in-place-suffixes")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, _evil(folder, "utt000.wav"),
                               in_place=True)
    assert (report.imported, report.rejected) == (1, 3)
    assert _ids(runtime, pid) == {"good"}
    assert all("is not a speech.asr file" in r["reason"] for r in report.rejections)
