"""A YOLO label line a pre-labelled import cannot read was refused in English only, whatever the
reader's language ("错误（invalid_input）：yolo: labels/a.txt line 1: expected 5 fields ..."):
each reason is now coded (``yolo_*``) with the file and line, worded in English and zh-CN by
the reason registry the API, the CLI and the pages share."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.problem_words import word_error


@pytest.mark.parametrize(("yaml", "line", "code", "zh"), [
    ("names: [car]", "0 0.5 0.5 0.2", "yolo_field_count",
     "a.txt 第 1 行有 4 个字段；YOLO 标注行应为 5 个（class cx cy w h）或不少于 7 的奇数个"),
    ("names: [car]", "x 0.5 0.5 0.2 0.2", "yolo_class_not_integer",
     "a.txt 第 1 行：类别编号 x 不是整数"),
    ("names: [car]", "3 0.5 0.5 0.2 0.2", "yolo_class_unknown",
     "a.txt 第 1 行：类别编号 3 不在 data.yaml 的 names 中（0..0）"),
    ("names: [car]", "0 0.5 abc 0.2 0.2", "yolo_not_a_number",
     "a.txt 第 1 行：第 3 个字段（abc）不是数字"),
    ("names: [car]", "0 0.5 1.5 0.2 0.2", "yolo_outside",
     "a.txt 第 1 行：第 3 个字段 = 1.5 超出 [0, 1]"),
    ("names: [car]", "0 0.5 0.5 0 0.2", "yolo_box_size", "a.txt 第 1 行：框的宽和高必须大于 0"),
    ("names: [car]\nkpt_shape: [2, 3]", "0 0.5 0.5 0.2 0.2 0.5 0.5 2", "yolo_pose_count",
     "a.txt 第 1 行：kpt_shape [2, 3] 需要 11 个字段（class cx cy w h，然后是各关键点），该行有 8 个"),
    ("names: [car]\nkpt_shape: [1, 3]", "0 0.5 0.5 0.2 0.2 0.5 0.5 5", "yolo_visibility",
     "a.txt 第 1 行：第 8 个字段 = 5 是关键点的可见性"),
])
def test_a_line_that_cannot_be_read_is_refused_in_the_readers_language(
    tmp_path: Path, yaml: str, line: str, code: str, zh: str
) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (100, 80)).save(tmp_path / "images" / "a.png")
    (tmp_path / "data.yaml").write_text(yaml + "\n", encoding="utf-8")
    (tmp_path / "labels" / "a.txt").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(AnnotationFileError) as caught:
        list(YoloImporter().iter_items(tmp_path))
    details = caught.value.details
    assert (details["reason_code"], details["line"]) == (code, 1)
    said, _ = word_error(caught.value.message, details, "zh-CN")
    assert zh in said
    english, _ = word_error(caught.value.message, details, "en")
    assert "a.txt line 1" in english
