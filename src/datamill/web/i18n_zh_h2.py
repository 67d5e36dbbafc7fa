"""Chinese strings h2's zh-CN walk found missing, merged into ``i18n_zh.ZH_CN``."""

from __future__ import annotations

from datamill.core.unit_words import UNIT_ZH_CN

__all__ = ["ZH_CN_H2"]

ZH_CN_H2: dict[str, str] = {
    # a unit after a number: the words every face reads (core.unit_words)
    **{f"unit.{unit}": words for unit, words in UNIT_ZH_CN.items()},
    "ag.no_units.one": "已有 1 个条目由两人以上标注，但其中没有本项目一致性可比较的答案（类别、标签、实体、"
                       "成对偏好或评分）。",
}
