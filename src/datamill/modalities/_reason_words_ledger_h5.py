"""The refusal words of h5's ledger and settlement findings (an order counted in another
line's or modality's unit; a settlement correction paying more than the work it corrects),
English and zh-CN, gathered into the reason-code registry by ``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["LEDGER_H5_EN", "LEDGER_H5_ZH_CN"]

LEDGER_H5_EN: dict[str, str] = {
    "order_unit_line": "A {business_line} order is not counted in {volume_unit} ({owner} work's "
                       "unit); count it in {value}.",
    "order_unit_modality": "Order {number} is counted in {volume_unit}, but project {project} is "
                           "{modality} work counted in {unit}: its accepted volume would never "
                           "reach the order; link an order counted in {value}.",
    "correction_above_paid": "A correction may add no more than sheet {number} paid{on} (its "
                             "accepted volume × price, {paid}); corrections added {added} "
                             "already, so the most this one may add is {value}; pay more work "
                             "on the next sheet drawn from its accepted volume.",
    "volume_places": "{field} {value} has more than four decimal places; give the volume to "
                     "0.0001.",
    "correction_void_below_zero": "Correction {number} pays {amount} more, and the deductions "
                                  "made since rely on it: without it the vendor's total on "
                                  "sheet {original} would stand at {so_far}; void those "
                                  "deductions first.",
}

LEDGER_H5_ZH_CN: dict[str, str] = {
    "order_unit_line": "{business_line} 业务线的订单不能以 {volume_unit} 计量（这是 {owner} 业务的"
                       "计量单位）；请改用 {value}。",
    "order_unit_modality": "订单 {number} 以 {volume_unit} 计量，但项目 {project} 属于 {modality}，"
                           "以 {unit} 计量：其验收数据量永远计不进该订单；请关联以 {value} "
                           "计量的订单。",
    "correction_above_paid": "更正增加的金额不能超过结算单 {number} 对该项目环节已付的金额（验收量 × "
                             "单价，{paid}）；已有更正增加了 {added}，本次最多可增加 {value}；"
                             "更多的工作量请在下一张按验收量生成的结算单中支付。",
    "volume_places": "{field} {value} 的小数超过四位；数据量请精确到 0.0001。",
    "correction_void_below_zero": "更正单 {number} 多付 {amount}，其后的扣减依赖于它：作废后供应商在"
                                  "结算单 {original} 上的合计将为 {so_far}；请先作废那些扣减。",
}
