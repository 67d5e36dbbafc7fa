"""The closed-month refusal reads in Chinese (trial h1).

A clerk posting a cost dated into a closed month with ``DATAMILL_LANG=zh-CN`` (or a zh-CN
browser through the API) read "错误（conflict）：cost T-1 is dated 2026-11-05, in period 2026-11,
which is closed (confirmed) ...": the month-end's commonest refusal had no code, so no words.
It now carries ``period_closed`` and is worded in both languages, English unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from datamill.core.errors import Conflict
from datamill.ledger._periods import require_open_period
from datamill.ledger.models import LedgerPeriodClose
from datamill.modalities.problem_words import word_error
from datamill.runtime import Runtime


def test_a_posting_into_a_closed_month_is_refused_in_either_language(
    sqlite_runtime: Runtime,
) -> None:
    with sqlite_runtime.session() as s:
        s.add(LedgerPeriodClose(period="2026-11", status="closed", report={}, digest="0" * 64,
                                reviewed_at=datetime(2026, 12, 2, tzinfo=UTC)))
        s.flush()
        with pytest.raises(Conflict) as err:
            require_open_period(s, date(2026, 11, 5), "cost T-1")
    e = err.value
    assert e.details["reason_code"] == "period_closed"
    en, _ = word_error(e.message, e.details, "en")
    assert en.startswith("cost T-1 is dated 2026-11-05, in period 2026-11, which is closed")
    zh, details = word_error(e.message, e.details, "zh-CN")
    assert zh == ("cost T-1 的日期为 2026-11-05，属于 2026-11 期间，账簿已结账至 2026-11，不再记入："
                  "请您在未结账期间记账，日期为 2026-12-01 或之后（已结账期间只能由财务说明原因后"
                  "反结账）。"), zh
    assert details["message_en"] == e.message
