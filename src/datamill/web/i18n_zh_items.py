"""zh-CN strings of the project's items page (twins of ``i18n_items``)."""

from __future__ import annotations

__all__ = ["ZH_CN_ITEMS"]

ZH_CN_ITEMS: dict[str, str] = {
    "items.link": "条目列表",
    "items.title": "条目列表",
    "items.any_status": "全部状态",
    "items.import_run": "导入批次",
    "items.search": "外部编号包含",
    "items.apply": "查看",
    "items.clear": "全部条目",
    "items.of_run": "导入批次 {run} 的条目。",
    "items.showing": "第 {first} 至 {last} 条，共 {total} 条。",
    "items.none": "没有符合条件的条目。",
    "items.vendor": "采集供应商",
    "items.vendor_no": "供应商 {id}",
    "items.created": "创建时间",
    "items.prev": "← 上一页",
    "items.next": "下一页 →",
    "imp.all_items": "查看本次导入的全部条目",
    "items.of_item": "仅显示条目 {item}。",
    "rv.no_majority": "无多数：{answers}。未预选任何答案，请选定答案。",
    "rv.no_majority_and": " 对 ",
    "rv.split_relation": "“{head}”与“{tail}”之间的关系",
    "rv.split_no_relation": "（无关系）",
    "rv.split_class": "类别",
    "rv.split_no_class": "（无类别）",
    "rv.split_sentiment": "情感",
    "rv.split_label_q": "标签“{label}”",
    "rv.split_yes": "是",
    "rv.split_no": "否",
    "rv.split_box": "框：x {x}，y {y}，{w}×{h} 像素",
    "rv.split_no_box": "（未画框）",
    "rv.split_rotated": "旋转框（x {x}，y {y} 附近）",
    "rv.split_no_rotated": "（未画旋转框）",
    "rv.split_polygon": "多边形（x {x}，y {y} 附近）",
    "rv.split_no_polygon": "（未画多边形）",
    "rv.split_line": "文本行（x {x}，y {y} 附近）",
    "rv.split_no_line": "（未画文本行）",
}
