"""The words of ``datamill workforce procurement`` for people (a department manager, a VP,
procurement), English and zh-CN: its tables, lines, statuses, approval roles and the volume
check of a settlement sheet. Under ``DATAMILL_LANG=zh-CN`` every line was English with raw
codes (``next: dept_manager``, ``2 hours``, ``submitted``). English keeps what the commands
always printed. Merged into the CLI's catalogue through :mod:`datamill.cli._words_workforce`."""

from __future__ import annotations

from datamill.cli._words_sweep_h4 import SWEEP_H4_EN, SWEEP_H4_ZH_CN

__all__ = ["PROCUREMENT_H4_EN", "PROCUREMENT_H4_ZH_CN"]

_COLUMNS = ("id", "number", "quantity", "price", "amount", "flags", "status", "next", "year",
            "department", "collection", "labelling", "vendor", "from", "to", "prices",
            "project", "stage", "ordered", "settled", "remaining")

PROCUREMENT_H4_EN: dict[str, str] = {
    **SWEEP_H4_EN,
    **{f"proc.col.{c}": c for c in _COLUMNS},
    "proc.flag.deviation": ">10%", "proc.flag.over": "over", "proc.flag.backdated": "back-dated",
    "proc.flag.sep": " ",
    "proc.approver_added": "{username} approves purchase requests for procurement",
    "proc.budget_added": "budget {id} {year} {department}: collection {collection}, "
                         "labelling {labelling}; next: {next}",
    "proc.budget_signed": "budget {id}: {status}; next: {next}",
    "proc.agreement_added": "agreement {id} {number}: {status}",
    "proc.agreement": "agreement {number}: {status}",
    "proc.order_added": "order {number}: {quantity} {unit} × {price} = {amount}",
    "proc.vol.ok": "ok  ", "proc.vol.price_flag": "PRICE ", "proc.vol.over_flag": "OVER ",
    # the volume check's lines (English prints the service's own message, the same words)
    "proc.vol.no_order": "project {project} stage {stage}: no purchase order for this vendor "
                         "and project (not matched)",
    "proc.vol.unit": "project {project} stage {stage}: the sheet counts {unit} but the "
                     "purchase orders count {units}",
    "proc.vol.over": "project {project} stage {stage}: the sheet settles {quantity} {unit} but "
                     "the purchase orders leave {left} ({ordered} ordered, {settled} already "
                     "settled); order more or correct the sheet",
    "proc.vol.within": "project {project} stage {stage}: {quantity} {unit} within the "
                       "{remaining} the purchase orders leave",
    "proc.vol.price": "; PRICE differs: the sheet pays {paid} per {unit}, the purchase orders "
                      "{orders}: check the price system or the order before confirming",
    "proc.none": "None",
    **{f"proc_status.{s}": s for s in ("draft", "submitted", "approved", "rejected", "combined",
                                        "open", "closed")},
    **{f"proc_role.{r}": r for r in ("dept_manager", "vp", "finance_head", "finance_reviewer",
                                      "procurement")},
}

PROCUREMENT_H4_ZH_CN: dict[str, str] = {
    **SWEEP_H4_ZH_CN,
    "proc.col.id": "编号", "proc.col.number": "单号", "proc.col.quantity": "数量",
    "proc.col.price": "单价", "proc.col.amount": "金额", "proc.col.flags": "标记",
    "proc.col.status": "状态", "proc.col.next": "待审批", "proc.col.year": "年度",
    "proc.col.department": "部门", "proc.col.collection": "采集", "proc.col.labelling": "标注",
    "proc.col.vendor": "供应商", "proc.col.from": "起始日", "proc.col.to": "截止日",
    "proc.col.prices": "价格条数", "proc.col.project": "项目", "proc.col.stage": "环节",
    "proc.col.ordered": "已订购", "proc.col.settled": "已结算", "proc.col.remaining": "剩余",
    "proc.flag.deviation": "偏离价格体系超过 10%", "proc.flag.over": "超出年度预算",
    "proc.flag.backdated": "倒签日期", "proc.flag.sep": "、",
    "proc.approver_added": "{username} 现为采购部审批人，负责采购申请单的最后一级审批",
    "proc.budget_added": "年度采购预算 {id}（{year} 年，{department}）：采集 {collection}，"
                         "标注 {labelling}；下一级审批：{next}",
    "proc.budget_signed": "年度采购预算 {id}：{status}；下一级审批：{next}",
    "proc.agreement_added": "框架协议 {id}（{number}）：{status}",
    "proc.agreement": "框架协议 {number}：{status}",
    "proc.order_added": "采购订单 {number}：{quantity} {unit} × 单价 {price} = {amount}",
    "proc.vol.ok": "相符", "proc.vol.price_flag": "单价不符", "proc.vol.over_flag": "超出订单",
    "proc.vol.no_order": "项目 {project} 环节{stage}：该供应商在此项目没有采购订单（不做匹配）",
    "proc.vol.unit": "项目 {project} 环节{stage}：结算单按{unit}计量，采购订单按{units}计量",
    "proc.vol.over": "项目 {project} 环节{stage}：结算单结算 {quantity} {unit}，采购订单只剩 "
                     "{left}（已订购 {ordered}，此前已结算 {settled}）；请追加订单或更正结算单",
    "proc.vol.within": "项目 {project} 环节{stage}：{quantity} {unit}，未超出采购订单剩余的 "
                       "{remaining}",
    "proc.vol.price": "；单价不符：结算单按每{unit} {paid} 付款，采购订单为 {orders}；"
                      "确认前请核对价格体系或订单",
    "proc.none": "无",
    "proc_status.draft": "草稿", "proc_status.submitted": "待审批",
    "proc_status.approved": "已批准", "proc_status.rejected": "已驳回",
    "proc_status.combined": "已合并", "proc_status.open": "执行中",
    "proc_status.closed": "已关闭",
    "proc_role.dept_manager": "部门经理", "proc_role.vp": "分管副总",
    "proc_role.finance_head": "财务负责人", "proc_role.finance_reviewer": "财务",
    "proc_role.procurement": "采购部",
}
