"""The point-cloud workbench's "copy previous frame" hint says how the copied cuboids are
moved: by the two frames' sensor poses where both have one, else by the annotator (drag,
arrow keys, Q/E), in English and zh-CN alike."""

from __future__ import annotations

from datamill.web.i18n import t


def test_the_copy_previous_hint_says_how_cuboids_are_moved() -> None:
    en, zh = t("pc.copy_previous_hint", "en"), t("pc.copy_previous_hint", "zh-CN")
    assert "sensor pose" in en and "pose column" in en and "drag" in en and "Q/E" in en
    assert "传感器位姿" in zh and "pose 列" in zh and "拖动" in zh and "Q/E" in zh
