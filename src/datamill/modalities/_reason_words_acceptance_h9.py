"""The words of a delivery acceptance's dating refusals (a backdated customer report: not before
the delivery, not in a closed ledger period), English and zh-CN; the future day is the
licence's ``acceptance_future``."""

from __future__ import annotations

__all__ = ["ACCEPTANCE_H9_EN", "ACCEPTANCE_H9_ZH_CN", "CLOSED_DAY_EN", "CLOSED_DAY_ZH_CN"]

# what an acceptance dated into a closed period is told, after whose acceptance it is (a
# delivery's here, a licence's in ``_reason_words_licence_h17``)
CLOSED_DAY_EN = ("'s acceptance dated {on} falls in period {period}, which the ledger has closed "
                 "(closed through {closed_period}): date it {first_open_day} or later, or ask "
                 "finance to reopen the period.")
CLOSED_DAY_ZH_CN = (" 的验收日期 {on} 属于 {period} 期间，该期间已结账（账簿已结账至 "
                    "{closed_period}）：请您将验收日期定为 {first_open_day} 或之后，或请财务反结账该期间。")

ACCEPTANCE_H9_EN: dict[str, str] = {
    "delivery_accepted_before": "Delivery {delivery_id} was made on {delivered_on}: it is "
                                "accepted on or after that day, not on {on}.",
    "delivery_acceptance_closed": "Delivery {delivery_id}" + CLOSED_DAY_EN,
    "acceptance_date_form": "The acceptance date {value} is not a date (YYYY-MM-DD).",
}

ACCEPTANCE_H9_ZH_CN: dict[str, str] = {
    "delivery_accepted_before": "交付 {delivery_id} 于 {delivered_on} 交付：验收日期须在交付当日或"
                                "之后，不能是 {on}。",
    "delivery_acceptance_closed": "交付 {delivery_id}" + CLOSED_DAY_ZH_CN,
    "acceptance_date_form": "验收日期 {value} 不是日期（格式 YYYY-MM-DD）。",
}
