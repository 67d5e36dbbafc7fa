"""The words of an LLM delivery's refusals (``production.delivery``), English and zh-CN: a
package none of whose formats holds a row (a pairwise batch of ties delivered as DPO and
messages) is refused, saying why each format held none."""

from __future__ import annotations

__all__ = ["LLM_DELIVERY_REFUSALS_EN", "LLM_DELIVERY_REFUSALS_ZH_CN"]

LLM_DELIVERY_REFUSALS_EN: dict[str, str] = {
    "delivery_formats_empty": "Batch {batch} gives no row in any of its formats ({formats}): "
                              "{why}. Deliver it in a format that holds these items (llm_ranked "
                              "keeps ties), or send the items back for another choice.",
}

LLM_DELIVERY_REFUSALS_ZH_CN: dict[str, str] = {
    "delivery_formats_empty": "批次 {batch} 在所有格式（{formats}）中都没有可写出的行：{why}。"
                              "请改用能容纳这些条目的格式（llm_ranked 保留平局），"
                              "或将条目退回重新选择。",
}
