"""A point-cloud reviewer's reasons to reject spoke of entities: "Entity label wrong" /
"实体标签错误" (the NER reason) for a cuboid of the wrong class, and the annotator got it back
so. The point-cloud plugin offers the detection reason image projects use (Wrong class / 类别错误);
every reason it offers is worded in both languages and none speaks of entities."""

from __future__ import annotations

from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.web.i18n import translator


def test_point_cloud_review_reasons_are_worded_for_cuboids() -> None:
    en, zh = translator("en"), translator("zh-CN")
    for code in PointCloudPlugin.review_reasons:
        key = f"rv.reason.{code}"
        assert en(key) != key and zh(key) != key, code
        assert "entit" not in en(key).lower() and "实体" not in zh(key), (code, en(key), zh(key))
    assert "wrong_class" in PointCloudPlugin.review_reasons
