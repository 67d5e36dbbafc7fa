"""h10: a month-end run, confirmation or reopening refused because another one held the books
(PostgreSQL's period lock) was told "post again in a moment (nothing was booked)", the
posting's words: it is now told to run, confirm or reopen again, in English and zh-CN; a
posting keeps its words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from datamill.core.errors import Conflict
from datamill.ledger._periods import closed_periods, hold_period_lock, period_requested
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.period_reopen import reopen_period
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from tests.unit.ledger.races import pg_runtime


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def test_a_busy_month_end_words_what_was_asked(pg: Any) -> None:
    rt, _url = pg
    holder, asker = rt.sessions(), rt.sessions()
    try:
        hold_period_lock(holder)  # another clerk's run, holding the books
        said: dict[str, dict[str, Any]] = {}
        for act in ("post", "run", "confirm", "reopen"):
            with period_requested(act), pytest.raises(Conflict) as busy:  # type: ignore[arg-type]
                closed_periods(asker)
            asker.rollback()
            said[act] = {"en": str(busy.value), **busy.value.details}
        assert said["post"]["reason_code"] == "period_busy"  # a posting: as before
        assert "post again" in said["post"]["en"]
        for act, done in (("run", "run"), ("confirm", "confirmed"), ("reopen", "reopened")):
            got = said[act]
            assert got["reason_code"] == f"period_busy_{act}", got  # was period_busy
            assert f"{act} the month again" in got["en"] and f"nothing was {done}" in got["en"]
            assert "booked" not in got["en"] and "post" not in got["en"], got
            en, zh = word_reason(got, "en"), word_reason(got, "zh-CN")
            assert en is not None and "nothing was booked" not in en, en
            assert zh is not None and "未记入" not in zh and "月末" in zh, zh
        assert "请稍后再确认该月" in str(word_reason(said["confirm"], "zh-CN"))
        # the month-end services say which act they are
        assert all(hasattr(fn, "__wrapped__")  # period_request("run") etc.
                   for fn in (close_period, confirm_period, reopen_period))
    finally:
        holder.rollback()
        asker.rollback()
        holder.close()
        asker.close()
