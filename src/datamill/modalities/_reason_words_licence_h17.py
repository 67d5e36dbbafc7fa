"""The words of a catalog licence acceptance dated into a closed ledger period (its revenue
would book there), English and zh-CN: the delivery's words (``delivery_acceptance_closed``)
after the licence's number."""

from __future__ import annotations

from datamill.modalities._reason_words_acceptance_h9 import CLOSED_DAY_EN, CLOSED_DAY_ZH_CN

__all__ = ["LICENCE_H17_EN", "LICENCE_H17_ZH_CN"]

LICENCE_H17_EN: dict[str, str] = {
    "licence_acceptance_closed": "Licence {number}" + CLOSED_DAY_EN,
}

LICENCE_H17_ZH_CN: dict[str, str] = {
    "licence_acceptance_closed": "授权 {number}" + CLOSED_DAY_ZH_CN,
}
