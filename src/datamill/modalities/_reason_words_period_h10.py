"""The words of a month-end refusal met while another run, confirmation or reopening holds
the books (h10): worded by what was asked (a run, a confirmation, a reopening), where the one
code ``period_busy`` told each of them to post again, saying nothing was booked. English and
zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["PERIOD_BUSY_EN", "PERIOD_BUSY_ZH_CN"]

_BUSY_EN = "Another month-end run, confirmation or reopening is in progress right now"
_BUSY_ZH = "另一项月末结账的运行、确认或反结账正在进行中"

PERIOD_BUSY_EN: dict[str, str] = {
    "period_busy_run": f"{_BUSY_EN}; run the month again in a moment (nothing was run).",
    "period_busy_confirm": f"{_BUSY_EN}; confirm the month again in a moment (nothing was "
                           "confirmed).",
    "period_busy_reopen": f"{_BUSY_EN}; reopen the month again in a moment (nothing was "
                          "reopened).",
}

PERIOD_BUSY_ZH_CN: dict[str, str] = {
    "period_busy_run": f"{_BUSY_ZH}；请稍后再运行该月（本次未运行）。",
    "period_busy_confirm": f"{_BUSY_ZH}；请稍后再确认该月（本次未确认）。",
    "period_busy_reopen": f"{_BUSY_ZH}；请稍后再反结账该月（本次未反结账）。",
}
