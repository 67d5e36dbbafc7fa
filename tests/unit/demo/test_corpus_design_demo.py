"""The corpus design demo part: prompts chosen from the bundled en and zh pools, the files
written, the planted unfit sentences rejected with their reasons, and greedy beating random."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.demo.corpus import design_demo_corpus


def test_design_demo_corpus(tmp_path: Path) -> None:
    reports = design_demo_corpus(tmp_path, n=30)
    assert set(reports) == {"en", "zh"}
    for lang, report in reports.items():
        assert len(report["chosen"]) == 30 and report["stopped"] == "n"
        assert report["pool"]["sentences"] >= 140
        reasons = report["pool"]["rejected_by_reason"]
        assert reasons["digits"] == 1 and reasons["duplicate"] >= 1 and reasons["rare_char"] >= 1
        chosen = (tmp_path / lang / "chosen.txt").read_text(encoding="utf-8").splitlines()
        assert chosen == [c["text"] for c in report["chosen"]]
        assert json.loads((tmp_path / lang / "chosen.json").read_text(encoding="utf-8"))["lang"] == lang
        assert "<svg" in (tmp_path / lang / "report.html").read_text(encoding="utf-8")
        for cov in report["coverage"].values():  # greedy covers more than a random set of 30
            assert cov["covered"] >= cov["random_covered"]
        diphone = report["coverage"]["diphone"]
        assert diphone["covered"] > diphone["random_covered"]
    assert reports["en"]["coverage"]["phone"]["covered"] == 39  # every ARPAbet phone
    assert reports["zh"]["coverage"]["initial"]["covered"] == reports["zh"]["coverage"]["initial"]["available"]
