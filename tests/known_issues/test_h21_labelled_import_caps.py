"""Helper h21: a pre-labelled import (``data import --format …``) had no per-file size cap
(a copying import refuses a file over ``DATAMILL_MAX_ARCHIVE_BYTES`` before reading it), and
its report's ``left_out`` counted the objects of every image of the source, duplicates too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_reason
from datamill.production.labelled_import import import_labelled
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec


def _yolo(src: Path) -> Path:
    """a.png (one box), b.png (one box and one sub-pixel object: left out)."""
    (src / "images").mkdir(parents=True)
    (src / "labels").mkdir()
    (src / "data.yaml").write_text(json.dumps({"names": ["car", "person"]}), encoding="utf-8")
    Image.new("RGB", (64, 48), "gray").save(src / "images" / "a.png")
    Image.effect_noise((64, 48), 60).convert("RGB").save(src / "images" / "b.png")
    (src / "labels" / "a.txt").write_text("0 0.5 0.5 0.25 0.25\n", encoding="utf-8")
    (src / "labels" / "b.txt").write_text("0 0.5 0.5 0.25 0.25\n1 0.5 0.5 1e-12 0.1\n",
                                          encoding="utf-8")
    return src


def test_a_pre_labelled_file_over_the_cap_is_a_named_problem_of_the_source(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = sqlite_runtime
    src = _yolo(tmp_path / "yolo")
    big = (src / "images" / "b.png").stat().st_size
    limit = (src / "images" / "a.png").stat().st_size
    assert big > limit
    monkeypatch.setattr(rt.settings, "max_archive_bytes", limit)
    with rt.session() as s:
        pid = create_project(s, image_spec(name="capped")).id
    with rt.session() as s, pytest.raises(InvalidInput) as caught:
        import_labelled(s, rt.blobs, pid, src, fmt="yolo")  # before: 1 imported, 1 rejected
    details = caught.value.details
    assert (details["reason_code"], details["problems"]) == ("labelled_nothing_imported", 1)
    assert f"b.png is {big} bytes, more than the {limit} one import copies" in details["listed"]
    zh = word_reason(details, "zh-CN")
    assert zh is not None and f"b.png 有 {big} 字节，超过一次导入可复制的上限 {limit} 字节" in zh, zh
    assert "more than" not in zh, zh


def test_left_out_counts_only_the_objects_of_items_that_got_labels(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    src = _yolo(tmp_path / "yolo")
    with rt.session() as s:
        pid = create_project(s, image_spec(name="again")).id
    with rt.session() as s:
        first = import_labelled(s, rt.blobs, pid, src, fmt="yolo")
    assert (first.imported, first.labelled, first.left_out) == (2, 2, {"object_too_small": 1})
    with rt.session() as s:
        again = import_labelled(s, rt.blobs, pid, src, fmt="yolo")
    # before: {"object_too_small": 1} again, though no item got these labels
    assert (again.imported, again.labelled, again.left_out) == (0, 0, {})
