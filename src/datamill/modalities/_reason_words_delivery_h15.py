"""The words of a delivery's refusals when its batch changed while the package was built
without a lock (``production.delivery``, the API's and the web page's deliveries), English and
zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["DELIVERY_H15_REFUSALS_EN", "DELIVERY_H15_REFUSALS_ZH_CN"]

DELIVERY_H15_REFUSALS_EN: dict[str, str] = {
    "delivery_batch_changed": "Batch {batch} changed while its package was being built (it is "
                              "now {status}); nothing was delivered: deliver it again.",
}

DELIVERY_H15_REFUSALS_ZH_CN: dict[str, str] = {
    "delivery_batch_changed": "批次 {batch} 在生成交付包期间发生了变化（当前状态：{status}）；"
                              "未交付任何内容：请重新交付。",
}
