"""The words for the codes every face shows (statuses, verdicts, metric names, an inspection's
reasons), in English and zh-CN: one table for the web pages (``web.i18n_codes``,
``web.i18n_zh_codes``, ``web.i18n_checks``) and the CLI (``cli._words``), so a status reads
the same on a page and in a terminal.

Examples:
    >>> parse_inspection_reason("span f1 0.8000 < 0.9000")
    ('metric_below', {'metric': 'span_f1', 'value': 0.8, 'need': 0.9})
    >>> parse_inspection_reason("a reason in no known shape") is None
    True
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["EVENT_WORDS", "IMPORT_LEFT_OUT_WORDS", "INSPECTION_REASON_WORDS", "ITEM_STATUS_WORDS", "METRIC_WORDS", "SEGMENT_WORDS",
           "STATUS_WORDS",
           "VENDOR_KIND_WORDS", "VERDICT_WORDS", "inspection_reason_key",
           "parse_inspection_reason"]

#: a domain event the ledger consumes (``event.<type>``: the finance page's pending list; the
#: CLI's ``ledger event-problems`` words it in Chinese and keeps the type in English)
EVENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "delivery.accepted": "delivery accepted",
        "delivery.rejected": "delivery rejected by the customer",
        "settlement.confirmed": "settlement confirmed",
        "settlement.reduced": "settlement reduced by a correction",
        "settlement.paid": "vendor paid (settlement sheet)",
        "hour_points.booked": "hour points booked",
        "licence.accepted": "licence accepted",
    },
    "zh-CN": {
        "delivery.accepted": "交付已验收",
        "delivery.rejected": "交付被客户拒收",
        "settlement.confirmed": "结算已确认",
        "settlement.reduced": "结算因更正而减少",
        "settlement.paid": "已向供应商付款（结算单）",
        "hour_points.booked": "工时点数已登记",
        "licence.accepted": "授权已验收",
    },
}

#: a task's, package's, batch's, delivery's ... status (``status.<code>`` on the pages)
STATUS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "accepted": "accepted", "active": "active", "approved": "approved",
        "assigned": "assigned", "batched": "batched", "booked": "booked",
        "budgeting": "budgeting", "cancelled": "cancelled", "claimed": "claimed",
        "closed": "closed", "combined": "combined", "completed": "completed",
        "confirmed": "confirmed", "consent_withdrawn": "consent withdrawn (not usable)", "delivered": "delivered", "done": "done", "draft": "draft",
        "executing": "executing", "failed": "failed", "finished": "finished",
        "imported": "imported", "in_review": "in review", "inspecting": "being inspected",
        "interrupted": "interrupted", "open": "open", "passed": "passed checks",
        "pending_approval": "pending approval", "posted": "posted",
        "preannotated": "pre-annotated", "prepared": "prepared", "problem": "problem",
        "project_closed": "project closed", "rejected": "rejected", "released": "released",
        "golden": "golden (known answer)",
        "retired": "retired", "returned": "returned", "reviewed": "reviewed",
        "rework": "rework", "running": "running", "settled": "settled", "signed": "signed",
        "superseded": "superseded by a newer item (not usable)",
        "submitted": "submitted", "unplanned": "unplanned",
        "vendor_confirmed": "confirmed by vendor", "waiting": "waiting",
        "in_development": "in development", "pending": "pending", "skipped": "skipped",
        "effective": "in effect",  # an applied contract amendment or cancellation
    },
    "zh-CN": {
        "accepted": "已验收", "active": "进行中", "approved": "已批准", "assigned": "已分配",
        "batched": "已组批", "booked": "已入账", "budgeting": "预算中", "cancelled": "已取消",
        "claimed": "已领取", "closed": "已关闭", "combined": "已合并", "completed": "已完成",
        "confirmed": "已确认", "consent_withdrawn": "已撤回同意（不可用）", "delivered": "已交付", "done": "已完成", "draft": "草稿",
        "executing": "执行中", "failed": "失败", "finished": "已结束", "imported": "已导入",
        "in_review": "审核中", "inspecting": "质检中", "interrupted": "已中断", "open": "待处理",
        "passed": "已通过检查", "pending_approval": "待审批", "posted": "已过账",
        "preannotated": "已预标注", "prepared": "已准备", "problem": "有问题",
        "project_closed": "项目已关闭", "rejected": "已驳回", "released": "已发布",
        "golden": "金标题",
        "retired": "已下架", "returned": "已退回", "reviewed": "已审核", "rework": "返工",
        "running": "运行中", "settled": "已结算", "signed": "已签署", "submitted": "已提交",
        "superseded": "已被更新的条目替换（不可用）",
        "unplanned": "计划外", "vendor_confirmed": "供应商已确认", "waiting": "等待中",
        "in_development": "开发中", "pending": "待处理", "skipped": "已跳过",
        "effective": "已生效",
    },
}

#: a review's or an inspection's verdict (``verdict.<code>``)
VERDICT_WORDS: dict[str, dict[str, str]] = {
    "en": {"accept": "accepted", "accepted": "accepted", "reject": "rejected",
                 "rejected": "rejected", "edit": "edited"
    },
    "zh-CN": {"accept": "接收", "accepted": "接收", "reject": "拒收", "rejected": "拒收",
                 "edit": "已修改"
    },
}

#: metric names: inspection scores and thresholds, qualification tests, the dashboard
METRIC_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "mixed_accuracy": "mixed accuracy", "mixed_error_rate": "mixed error rate",
        "character_accuracy": "character accuracy", "sentence_accuracy": "sentence accuracy",
        "word_accuracy": "word accuracy", "word_error_rate": "word error rate",
        "region_accuracy": "region accuracy", "mean_iou": "mean IoU",
        "keypoint_accuracy": "keypoint accuracy", "polyline_accuracy": "polyline accuracy",
        "line_accuracy": "line accuracy", "span_precision": "span precision",
        "span_recall": "span recall", "span_f1": "span F1", "token_accuracy": "token accuracy",
        "label_accuracy": "label accuracy", "agreement": "agreement",
        "pair_agreement": "pair agreement", "turn_acceptance": "turn acceptance",
        "rubric_exact": "rubric scores equal", "rubric_within_one": "rubric scores within one",
        "item_agreement": "items in agreement", "phone_accuracy": "phone accuracy",
        "boundary_accuracy": "boundary accuracy", "prosody_accuracy": "prosody accuracy",
        "boundary_deviation_mean_ms": "mean boundary deviation (ms)",
        "boundary_deviation_p95_ms": "95th-percentile boundary deviation (ms)",
        "matched_phones": "matched phones", "defective_items": "defective items",
        "defective_utterances": "defective utterances",
        "cuboid_accuracy": "cuboid accuracy", "center_error_m": "mean centre error (m)",
        "point_accuracy": "point accuracy", "point_miou": "point mean IoU",
        "yaw_error_deg": "mean heading error (°)",
        "scored": "samples corrected", "macro_f1": "macro-F1", "accuracy": "accuracy",
        "preference_accuracy": "preference accuracy",
    },
    "zh-CN": {
        "character_accuracy": "字准确率", "sentence_accuracy": "句准确率",
        "mixed_accuracy": "混合准确率", "mixed_error_rate": "混合错误率",
        "word_accuracy": "词准确率", "word_error_rate": "词错误率",
        "region_accuracy": "区域准确率", "mean_iou": "平均 IoU",
        "keypoint_accuracy": "关键点准确率", "polyline_accuracy": "折线准确率",
        "line_accuracy": "文本行准确率", "span_precision": "片段精确率",
        "span_recall": "片段召回率", "span_f1": "片段 F1", "token_accuracy": "词元准确率",
        "label_accuracy": "标签准确率", "agreement": "一致率",
        "pair_agreement": "成对偏好一致率", "turn_acceptance": "轮次接受率",
        "rubric_exact": "评分完全一致率", "rubric_within_one": "评分相差不超过一分的比率",
        "item_agreement": "条目一致率", "phone_accuracy": "音素准确率",
        "boundary_accuracy": "边界准确率", "prosody_accuracy": "韵律准确率",
        "boundary_deviation_mean_ms": "边界平均偏差（毫秒）",
        "boundary_deviation_p95_ms": "边界偏差 95 分位（毫秒）",
        "matched_phones": "匹配的音素数", "defective_items": "不合格条目数",
        "defective_utterances": "不合格语句数",
        "macro_f1": "宏平均 F1", "accuracy": "准确率", "preference_accuracy": "偏好预测准确率",
        "cuboid_accuracy": "立体框准确率", "center_error_m": "平均中心误差（米）",
        "point_accuracy": "点准确率", "point_miou": "点平均交并比",
        "yaw_error_deg": "平均朝向误差（度）",
        "scored": "已修正的样本",
    },
}

#: a vendor's kind (``vkind.<code>`` on the workforce pages and in the CLI's vendor table)
VENDOR_KIND_WORDS: dict[str, dict[str, str]] = {
    "en": {"company": "company", "studio": "studio", "individual": "individual"},
    "zh-CN": {"company": "公司", "studio": "工作室", "individual": "个人"},
}

#: a ledger report's segments, ``<kind>.<code>`` as the finance pages and ``ledger report``
#: show them: business line, offering, region (from the customer's country) and customer type
SEGMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "bline.speech": "speech", "bline.vision": "vision", "bline.language": "language",
        "bline.application_service": "application service",
        "offering.custom": "custom", "offering.product_licence": "product licence",
        "region.domestic": "domestic", "region.overseas": "overseas",
        "ctype.big_tech": "big tech", "ctype.ai_company": "AI company",
        "ctype.research_institute": "research institute", "ctype.other": "other",
    },
    "zh-CN": {
        "bline.speech": "语音", "bline.vision": "视觉", "bline.language": "语言",
        "bline.application_service": "应用服务",
        "offering.custom": "定制", "offering.product_licence": "标准化数据集产品授权",
        "region.domestic": "境内", "region.overseas": "境外",
        "ctype.big_tech": "大型科技公司", "ctype.ai_company": "人工智能公司",
        "ctype.research_institute": "科研机构", "ctype.other": "其他",
    },
}

#: an item's or a batch's status (``item_status.<code>``): there "accepted" means the batch
#: passed the sampling inspection, not the customer's acceptance of a delivery
#: (``status.accepted``), which comes later
ITEM_STATUS_WORDS: dict[str, dict[str, str]] = {
    "en": {**STATUS_WORDS["en"], "accepted": "passed inspection"},
    "zh-CN": {**STATUS_WORDS["zh-CN"], "accepted": "已通过质检"},
}

#: an inspection's reasons for rejecting a batch (``insp.<code>`` on the pages), for the
#: stored English sentences :func:`parse_inspection_reason` reads
INSPECTION_REASON_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "metric_below": "{metric} {value:.4f} is below the required {need:.4f}",
        "defects_over": "{defects} defective items in a sample of {sample} (acceptance number "
                        "{accept})",
        "defects_over_one": "{defects} defective item in a sample of {sample} (acceptance "
                            "number {accept})",
    },
    "zh-CN": {
        "metric_below": "{metric} {value:.4f}，低于要求的 {need:.4f}",
        "defects_over": "抽样 {sample} 条中有 {defects} 条不合格（合格判定数 {accept}）",
        "defects_over_one": "抽样 {sample} 条中有 {defects} 条不合格（合格判定数 {accept}）",
    },
}

#: why a pre-labelled import left one of its source's objects out (an import report's
#: ``left_out`` codes, ``imp.left_out.<code>`` on the pages, ``import.left_out.<code>`` in the
#: CLI): it draws nothing, or less than the image workbench draws
IMPORT_LEFT_OUT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "object_too_small": "box or rotated box under 1 px on a side, smaller than the "
                            "workbench draws",
        "area_too_small": "polygon or text line under 1 square px, smaller than the "
                          "workbench draws",
        "mask_empty": "mask with no pixel set",
        "polyline_zero_length": "polyline whose points all coincide",
    },
    "zh-CN": {
        "object_too_small": "框或旋转框边长不足 1 像素，小于标注台可画的最小尺寸",
        "area_too_small": "多边形或文本行面积不足 1 平方像素，小于标注台可画的最小尺寸",
        "mask_empty": "掩码没有任何像素",
        "polyline_zero_length": "折线的各点重合（长度为零）",
    },
}

#: the sentences ``production.inspection`` stores as a completed inspection's reasons
_METRIC_BELOW = re.compile(
    r"^(?P<metric>[a-z][a-z0-9 ]*) (?P<value>-?[0-9.]+) < (?P<need>-?[0-9.]+)$")
_DEFECTS_OVER = re.compile(
    r"^(?P<defects>\d+) defective items? in a sample of (?P<sample>\d+) "
    r"\(acceptance number (?P<accept>\d+)\)$")


def inspection_reason_key(code: str, values: dict[str, Any]) -> str:
    """The :data:`INSPECTION_REASON_WORDS` entry for a reason's code and values: one defect is
    ``defects_over_one`` ("1 defective item", not "items")."""
    return "defects_over_one" if code == "defects_over" and values.get("defects") == 1 else code


def parse_inspection_reason(text: str) -> tuple[str, dict[str, Any]] | None:
    """A stored inspection reason as its code and values (``metric`` as the metric's code),
    or None for a sentence in no known shape (shown as it is)."""
    if m := _METRIC_BELOW.match(text):
        return "metric_below", {"metric": m["metric"].replace(" ", "_"),
                                "value": float(m["value"]), "need": float(m["need"])}
    if m := _DEFECTS_OVER.match(text):
        return "defects_over", {"defects": int(m["defects"]), "sample": int(m["sample"]),
                                "accept": int(m["accept"])}
    return None
