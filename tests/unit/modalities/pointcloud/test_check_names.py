"""Every automatic check of a point-cloud frame has a name and a failure sentence in the web
catalogue, in each language: the dashboard's chart and its worst-files list show
"距离范围" and a sentence, never the bare code ("range检查未通过")."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.pointcloud.checks import run_cloud_checks
from datamill.modalities.pointcloud.schema import CheckSettings
from datamill.testing.pointclouds import render_scene, write_cloud
from datamill.web.check_text import check_sentence
from datamill.web.i18n import CATALOGUES, translator


def test_every_cloud_check_is_named_and_explained_in_each_language(tmp_path: Path) -> None:
    points, _cuboids = render_scene(3, objects=1)
    path = write_cloud(points, tmp_path / "frame.bin")
    outcomes = run_cloud_checks(path, CheckSettings(require_intensity=True))
    names = {o.name for o in outcomes}
    assert names == {"decodable", "points", "invalid_points", "range", "height_extent",
                     "intensity"}
    for lang, catalogue in CATALOGUES.items():
        for name in names:
            assert f"check.name.{name}" in catalogue, (lang, name)
            assert f"check.fail.{name}" in catalogue, (lang, name)
    sentence = check_sentence(translator("zh-CN"), "zh-CN")
    for o in outcomes:
        text = sentence({"name": o.name, "value": o.value, "reason": "stored reason"})
        assert o.name not in text and "stored reason" not in text, text
