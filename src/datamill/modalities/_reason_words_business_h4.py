"""The refusal words of the business side's round-3 findings (h4: ledger invoicing), English
and zh-CN, gathered into the reason-code registry by ``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["BUSINESS_H4_REFUSALS_EN", "BUSINESS_H4_REFUSALS_ZH_CN"]

BUSINESS_H4_REFUSALS_EN: dict[str, str] = {
    # an invoice with neither an amount nor an acceptance (it said only "give the amount of an
    # advance invoice", also to a clerk billing an accepted licence, which records none)
    "invoice_amount_or_acceptance": "order {number}: give the amount to invoice ({remainder} CNY "
                                    "of the order is not invoiced yet) or the id of the "
                                    "acceptance it bills (acceptance id (accepted on): "
                                    "{acceptances})",
    "invoice_amount_no_acceptance": "order {number}: give the amount to invoice ({remainder} CNY "
                                    "of the order is not invoiced yet); it has no recorded "
                                    "delivery acceptance to bill by (an advance or a licence is "
                                    "invoiced by amount)",
    "quote_price_too_large": "a guidance margin of {guidance_margin} prices the cost {cost} "
                             "above {MAX_AMOUNT}, the largest amount the ledger holds: give a "
                             "lower margin",
}

BUSINESS_H4_REFUSALS_ZH_CN: dict[str, str] = {
    "invoice_amount_or_acceptance": "订单 {number}：请填写开票金额（本订单尚未开票 {remainder} CNY），"
                                    "或填写本次开票对应的验收记录编号（编号（验收日期）：{acceptances}）。",
    "invoice_amount_no_acceptance": "订单 {number}：请填写开票金额（本订单尚未开票 {remainder} CNY）；"
                                    "本订单没有可按其开票的交付验收记录（预开发票或授权发票按金额开具）。",
    "quote_price_too_large": "指导毛利率 {guidance_margin} 使成本 {cost} 的报价超过账务可记录的最大金额 "
                             "{MAX_AMOUNT}：请降低毛利率。",
}
