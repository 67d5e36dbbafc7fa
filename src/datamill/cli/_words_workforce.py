"""The words of ``datamill workforce`` for people (a vendor manager, a finance clerk paying
sheets), in English and zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`).
Amounts are filled in already shown (:func:`datamill.core.shown_numbers.shown_money`)."""

from __future__ import annotations

from datamill.cli._words_procurement_h4 import PROCUREMENT_H4_EN, PROCUREMENT_H4_ZH_CN
from datamill.cli._words_wf_debt import WF_DEBT_EN, WF_DEBT_ZH_CN
from datamill.cli._words_wf_more import WF_MORE_EN, WF_MORE_ZH_CN

__all__ = ["WORKFORCE_EN", "WORKFORCE_ZH_CN"]

WORKFORCE_EN: dict[str, str] = {
    "wf.vendor_added": "vendor {id} {name!r} added (not yet qualified)",
    "wf.vendor_qualified": "vendor {name!r} qualified: {qualified}",
    "wf.agreement": "vendor {name!r}: framework agreement {number} on file",
    "wf.col.id": "id", "wf.col.name": "name", "wf.col.kind": "kind", "wf.col.fee": "fee",
    "wf.col.cycle": "cycle", "wf.col.qualified": "qualified",
    "wf.yes": "yes", "wf.no": "no",
    "wf.price": "price {price}/{unit}", "wf.flagged": " [FLAGGED]",
    "wf.handed": "package {package} handed to vendor {vendor}",
    "wf.members_added": "; now members of its project: {members}",
    "wf.assigned": "package {package} assigned",
    "wf.sheet_drawn": "sheet {number}: amount {amount} (management fee {fee} included) = gross "
                      "{gross}; net payable {net}",
    "wf.sheet_status": "sheet {number} is {status}",
    "wf.sheet_settled": "sheet {number} settled",
    "wf.sheet_voided": "sheet {number} voided: {reason}",
    "wf.sheet_corrected": "correction sheet {number} ({status}): {amount} on sheet {sheet}, net "
                          "payable {net}",
    "wf.points": "{points} points × {rate} = {cost}",
    "wf.col.period": "period", "wf.col.status": "status", "wf.col.by": "by",
    "wf.col.sheets": "sheets", "wf.col.voided": "voided", "wf.col.amount": "amount",
    "wf.col.net": "net", "wf.col.paid": "paid out", "wf.col.vendor": "vendor",
    "wf.col.project": "project", "wf.col.stage": "stage", "wf.col.people": "people",
    "wf.col.items": "items", "wf.col.volume": "volume", "wf.col.work_hours": "work hours",
    "wf.col.per_hour": "per hour", "wf.col.accepted": "accepted", "wf.col.rate": "rate",
    "wf.col.ratio": "ratio", "wf.col.budgeted": "budgeted",
    "wf.in_house": "in-house",
    **WF_MORE_EN,
    **PROCUREMENT_H4_EN,
    **WF_DEBT_EN,
    "wf.col.net_before_offset": "net before debt offsets",
}

WORKFORCE_ZH_CN: dict[str, str] = {
    "wf.vendor_added": "供应商 {id} {name!r} 已添加（尚未通过资格审核）",
    "wf.vendor_qualified": "供应商 {name!r} 合格：{qualified}",
    "wf.agreement": "供应商 {name!r}：框架协议 {number} 已存档",
    "wf.col.id": "编号", "wf.col.name": "名称", "wf.col.kind": "类型", "wf.col.fee": "管理费",
    "wf.col.cycle": "结算周期", "wf.col.qualified": "合格",
    "wf.yes": "是", "wf.no": "否",
    "wf.price": "单价 {price}/{unit}", "wf.flagged": "［已标记］",
    "wf.handed": "数据包 {package} 已交给供应商 {vendor}",
    "wf.members_added": "；已加入其项目的成员：{members}",
    "wf.assigned": "数据包 {package} 已分配",
    "wf.sheet_drawn": "结算单 {number}：金额 {amount}（含管理费 {fee}）= 应付总额 {gross}；"
                      "实付 {net}",
    "wf.sheet_status": "结算单 {number}：{status}",
    "wf.sheet_settled": "结算单 {number} 已付款",
    "wf.sheet_voided": "结算单 {number} 已作废：{reason}",
    "wf.sheet_corrected": "更正结算单 {number}（{status}）：对结算单 {sheet} 更正 {amount}，实付 "
                          "{net}",
    "wf.points": "{points} 工时点 × {rate} = {cost}",
    "wf.col.period": "结算期", "wf.col.status": "状态", "wf.col.by": "经办人",
    "wf.col.sheets": "结算单", "wf.col.voided": "已作废", "wf.col.amount": "金额",
    "wf.col.net": "实付", "wf.col.paid": "已实付", "wf.col.vendor": "供应商",
    "wf.col.project": "项目", "wf.col.stage": "环节", "wf.col.people": "人数",
    "wf.col.items": "条数", "wf.col.volume": "数据量", "wf.col.work_hours": "工时",
    "wf.col.per_hour": "每工时产量", "wf.col.accepted": "验收量", "wf.col.rate": "验收率",
    "wf.col.ratio": "标产比", "wf.col.budgeted": "预算标产比",
    "wf.in_house": "内部",
    **WF_MORE_ZH_CN,
    **PROCUREMENT_H4_ZH_CN,
    **WF_DEBT_ZH_CN,
    "wf.col.net_before_offset": "抵扣前净额",
}
