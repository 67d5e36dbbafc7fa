"""The words of the ledger clerk's refusals (a cost for a stage the approved budget has no
line for), English and zh-CN: the reason-code registry words them for the API, the CLI and the
pages."""

from __future__ import annotations

__all__ = ["LEDGER_CLERK_REFUSALS_EN", "LEDGER_CLERK_REFUSALS_ZH_CN"]

LEDGER_CLERK_REFUSALS_EN: dict[str, str] = {
    "cost_no_budget_line": "the approved budget (v{version}) of project {project_id} has no "
                           "{stage}/{category} line; its lines: {lines}. Book the cost to one "
                           "of them, or, if {amount} on {stage}/{category} is spend the budget "
                           "left out, give over_budget_reason: it then awaits VP + "
                           "finance-head approval",
    "money_range": "{field} {value} is out of range: at most {maximum}",
    "money_places": "{field} {value} has more than two decimal places (cents); give the amount "
                    "to the cent",
    "money_negative": "{field} must not be negative, not {value}",
    "money_not_positive": "{field} must be positive, not {value}",
}

LEDGER_CLERK_REFUSALS_ZH_CN: dict[str, str] = {
    "cost_no_budget_line": "项目 {project_id} 已审批的预算（v{version}）中没有 {stage}/{category} "
                           "预算行；现有预算行：{lines}。请把成本计入其中一行；若 {stage}/{category} "
                           "的 {amount} 确属预算遗漏的支出，请填写超预算原因，之后待分管副总裁与财务"
                           "负责人审批。",
    "money_range": "{field} {value} 超出范围：最多 {maximum}。",
    "money_places": "{field} {value} 的小数超过两位（分）；金额请精确到分。",
    "money_negative": "{field} 不能为负数（现为 {value}）。",
    "money_not_positive": "{field} 须为正数（现为 {value}）。",
}
