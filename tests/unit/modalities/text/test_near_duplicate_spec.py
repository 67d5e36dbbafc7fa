"""A trial user's finding: a text project whose spec says ``near_duplicate_jaccard: 0.99`` (or
1.0; the schema allows (0, 1]) could never run its checks (datasketch refused the LSH bands:
``ValueError: The number of bands are too small``, a 500 on ``POST /projects/{id}/checks``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

LINES = ["张伟在北京的清华大学工作。", "张伟在北京的清华大学工作了。", "Marie Curie moved to Paris."]


@pytest.mark.parametrize("threshold", [0.99, 1.0])
def test_checks_run_at_the_highest_thresholds(runtime: Runtime, tmp_path: Path,
                                               threshold: float) -> None:
    (tmp_path / "lines.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    prepared = prepare_text_source(tmp_path / "lines.txt", tmp_path / "prepared")
    text = {**TEXT_REQUIREMENTS["text"], "near_duplicate_jaccard": threshold}
    spec = {"name": f"near-{threshold}", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"], "package_size": 10,
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": {**TEXT_REQUIREMENTS, "text": text}}
    with runtime.session() as s:
        pid = create_project(s, spec).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, prepared.manifest)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert summary.passed == 3 and summary.rejected == 0, summary
