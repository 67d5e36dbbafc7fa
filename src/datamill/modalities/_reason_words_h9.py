"""The words of h9's refusals, English and zh-CN: invoicing an order's acceptances after
advance invoices (``ledger.receivables``), and the export-control refusal worded with the
project's name (``compliance.export``; it said "project 5")."""

from __future__ import annotations

__all__ = ["H9_REFUSALS_EN", "H9_REFUSALS_ZH_CN"]

H9_REFUSALS_EN: dict[str, str] = {
    "acceptance_already_billed": "acceptance {acceptance_id} of order {number} is already billed: "
                                 "its share {share} CNY less {own} CNY on its own invoices and "
                                 "{applied} CNY billed in advance leaves nothing to invoice "
                                 "(give the amount to bill more)",
    "export_not_assessed": "Project {project}'s data would go abroad ({destination}) without the "
                           "approved export assessment that destination needs; the "
                           "data-security office records the assessment first.",
}

H9_REFUSALS_ZH_CN: dict[str, str] = {
    "acceptance_already_billed": "订单 {number} 的验收记录 {acceptance_id} 已开票完毕：其验收份额 "
                                 "{share} 元，减去已为其开票的 {own} 元和已预开票抵减的 "
                                 "{applied} 元后无可开票金额（如需多开，请给出金额）",
    "export_not_assessed": "项目 {project} 的数据将出境（{destination}），但尚无该目的地所需的已批准"
                           "出境评估；请先由数据安全部门记录评估。",
}
