"""Trial (quality lead, LOW 4 and 5): ``text prepare`` and ``data import`` said "malformed JSON
(Invalid control character at column 20)" of a line whose string is not closed
(``{"text": "broken 北京``): they now say so. And ``data import`` of a text project refused each
``{"text": ...}`` row with "row has no 'path' (or 'audio', 'image') column" only: it now says
to prepare the corpus with ``datamill text prepare`` first."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

UNCLOSED = 'the string is not closed on that line (a closing " is missing): it starts at column 10'


def _rows(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "rows.jsonl"
    src.write_text('{"text": "北京欢迎你"}\n{"text": "broken 北京\n', encoding="utf-8")
    return src


def test_text_prepare_says_the_string_is_not_closed(tmp_path: Path) -> None:
    with pytest.raises(TextSourceError) as caught:
        prepare_text_source(_rows(tmp_path), tmp_path / "prepared")
    assert "rows.jsonl:2" in str(caught.value) and UNCLOSED in str(caught.value)
    assert "control character" not in str(caught.value)


def test_a_text_project_import_of_text_rows_points_to_text_prepare(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    spec = {"name": "rows", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    with runtime.session() as s:
        pid = create_project(s, spec).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, _rows(tmp_path))
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert report.imported == 0
    assert "datamill text prepare" in reasons["rows.jsonl:1"], reasons
    assert "prepared/manifest.jsonl" in reasons["rows.jsonl:1"]
    assert UNCLOSED in reasons["rows.jsonl:2"], reasons
