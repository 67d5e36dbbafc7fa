"""A file whose decoder kills the worker process (a segfault, ``os._exit``, a memory kill) costs
only itself: the items checked with it get their own results, it gets ``on_crash``'s (the checks'
failed ``decoder_crashed``, worded in English and zh-CN), and the next call finds a working pool.
Before, the pool broke on every retry and the whole run failed with BrokenProcessPool (12 items,
the sixth such a file: 0 of 12 results through the web's worker, 4 of 12 on the CLI's 2-worker
pool), and the CLI's broken pool was kept for the next call to meet."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pytest

from datamill.core.check_fail_words import check_fail_sentence
from datamill.engine import LocalExecutor
from datamill.engine import local as local_engine
from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS
from datamill.production.checking import _crashed
from tests.unit.engine._crashing import crashed, dies_on


def test_a_crashing_item_costs_only_itself_apart_and_on_the_pool() -> None:
    args = [(x, 3) for x in range(6)]
    want = [0, 1, 4, -3, 16, 25]
    assert local_engine.run_apart_each(dies_on, args, crashed) == want
    assert local_engine.run_apart(dies_on, (5, -1)) == 25  # a working pool for the next call
    ex = LocalExecutor(2, choose="pool")
    assert list(ex.map(dies_on, args, chunksize=2, on_crash=crashed)) == want
    # without on_crash the run still fails, but leaves no broken pool behind
    with pytest.raises(BrokenProcessPool):
        list(LocalExecutor(2, choose="pool", max_retries=0).map(dies_on, args))
    assert 2 not in local_engine._POOLS
    assert list(ex.map(dies_on, [(x, -1) for x in range(4)])) == [0, 1, 4, 9]


def test_the_crashed_check_is_worded_in_english_and_chinese() -> None:
    item_id, (outcome,) = _crashed((7, "/x.wav", "speech", {}, None))
    assert item_id == 7 and not outcome.passed and outcome.name == "decoder_crashed"
    assert outcome.reason and "crashed the worker process (2 tries" in outcome.reason
    check = {"name": outcome.name, "value": outcome.value, "extra": outcome.extra}
    zh = check_fail_sentence(check, "zh-CN", MODALITY_CHECK_FAIL_WORDS["zh-CN"])
    assert zh and "工作进程崩溃" in zh and "2 次" in zh
    # an item registered in place: its probe says so too (never stored as probed)
    assert _crashed((7, "/x.wav", "speech", {}, None, {}))[2] == {"error": outcome.reason}
