"""A fifth trial user's long text item: a 5 MB one-line ``.txt`` imported as one item (``text
prepare`` refuses such a line), then ``data check`` ran for over ten minutes in the personal-data
scan, whose overlap resolution was quadratic in the number of candidate spans; and a GBK file's
import error lacked the ``iconv`` hint ``text prepare`` gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.compliance import pii
from datamill.modalities.text.sources import MAX_ITEM_CHARS
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def _project(runtime: Runtime) -> int:
    spec = {"name": "long-text", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"], "package_size": 10,
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    with runtime.session() as s:
        return create_project(s, spec).id


def test_an_item_longer_than_one_item_may_be_is_refused_at_import(
    runtime: Runtime, tmp_path: Path,
) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "huge.txt").write_text("北" * (MAX_ITEM_CHARS + 1), encoding="utf-8")
    (folder / "ok.txt").write_text("张三去了北京。", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("北京欢迎你".encode("gbk"))
    pid = _project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (1, 2), report  # before: huge.txt imported
    reasons = " ".join(str(r) for r in report.rejections)
    assert f"longer than {MAX_ITEM_CHARS:,} characters" in reasons
    assert "datamill text prepare" in reasons
    assert "iconv -f GB18030 -t UTF-8" in reasons  # before: only "is not UTF-8 text"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["phone", "email", "address"]),
                          st.integers(0, 60), st.integers(0, 60)), max_size=40))
def test_overlaps_are_resolved_as_by_comparing_every_pair(
    candidates: list[tuple[str, int, int]],
) -> None:
    """The bisecting resolution takes exactly what comparing each candidate with every span
    taken did (that was quadratic: a 40,000-character text made 3.4 million comparisons;
    bench/pii_scaling.py has the seconds)."""
    naive: list[tuple[str, int, int]] = []
    for kind, start, end in candidates:
        if end > start and all(end <= s or start >= e for _, s, e in naive):
            naive.append((kind, start, end))
    assert pii._take_disjoint(candidates) == sorted(naive, key=lambda c: c[1])


@pytest.mark.parametrize("unit", ["北京", "我住在北京市朝阳区建国路88号，电话13812345678。",
                                  "电话幺三八 幺二三四 五六七八，", "一三八一二三四五六七八，",
                                  "座机010-62345678，SSN 078-05-1120，"])
def test_a_long_text_finds_what_its_parts_do(unit: str) -> None:
    found = pii.find_pii(unit * 1600)
    assert len(found) == 1600 * len(pii.find_pii(unit))
