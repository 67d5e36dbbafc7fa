"""The words of the realised exchange differences on the period page
(:mod:`datamill.ledger.fx`), English and zh-CN."""

from __future__ import annotations

__all__ = ["FX_EN", "FX_ZH_CN"]

FX_EN: dict[str, str] = {
    "fin.period.fx": "Realised exchange differences on receipts",
    "fin.period.fx_hint": "Foreign cash settles the receivable at the rate it was booked at; "
                          "what the bank received beyond it is a gain (+), short of it a loss "
                          "(−), in CNY.",
    "fin.period.fx_receipt": "Receipt",
    "fin.period.fx_order": "Order",
    "fin.period.fx_on": "Received on",
    "fin.period.fx_amount": "Amount",
    "fin.period.fx_rates": "Rate received / booked",
    "fin.period.fx_cash": "Received (CNY)",
    "fin.period.fx_settled": "Receivable settled (CNY)",
    "fin.period.fx_difference": "Gain (+) / loss (−)",
    "fin.period.fx_total": "Total realised exchange difference",
    "fin.receipt_fx": "the bank received {cash}: exchange difference {difference}",
    "fin.receipt_reversal": "reverses a receipt recorded in error",
    "fin.trace.receipt_reverses": "reverses receipt {receipt} (recorded in error)",
}

FX_ZH_CN: dict[str, str] = {
    "fin.period.fx": "收款已实现汇兑损益",
    "fin.period.fx_hint": "外币收款按入账汇率冲减应收账款；银行实收多出的部分为汇兑收益（+），"
                          "不足的部分为汇兑损失（−），以人民币计。",
    "fin.period.fx_receipt": "收款",
    "fin.period.fx_order": "订单",
    "fin.period.fx_on": "收款日",
    "fin.period.fx_amount": "金额",
    "fin.period.fx_rates": "收款汇率 / 入账汇率",
    "fin.period.fx_cash": "实收（人民币）",
    "fin.period.fx_settled": "冲减应收（人民币）",
    "fin.period.fx_difference": "收益（+）/ 损失（−）",
    "fin.period.fx_total": "已实现汇兑损益合计",
    "fin.receipt_fx": "银行实收 {cash}：汇兑差额 {difference}",
    "fin.receipt_reversal": "冲销一笔记错的收款",
    "fin.trace.receipt_reverses": "冲销记错的收款 {receipt}",
}
