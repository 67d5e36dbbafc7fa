"""A job over a whole list (an effect evaluation's sample, a corpus design's pool) whose worker
process dies on both tries is no longer an unhandled BrokenProcessPool (a 500 on the server, a
traceback on the CLI): the items that crash it on their own are found by halving and the job
runs once more without them (the evaluation names them among its unreadable items,
``effect_item_crashed``); with no one item to blame it is refused in English and zh-CN
(``effect_crashed``, ``design_crashed``)."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pytest

from datamill.engine import local as local_engine
from datamill.modalities.problem_words import word_error
from tests.unit.engine._crashing import dies_on_more_than_one, sum_dies_on


def test_the_crashing_items_are_sifted_out_and_the_rest_runs() -> None:
    items = [(x, 3) for x in range(4)]  # the fourth item kills its worker, every try
    assert local_engine.run_apart_sifted(sum_dies_on, items) == (0 + 1 + 4, [3])
    assert local_engine.run_apart_sifted(sum_dies_on, [(1, -1), (2, -1)]) == (5, [])


def test_a_list_that_crashes_with_no_item_to_blame_raises() -> None:
    # every item of the sample kills the worker: none is left to run without
    with pytest.raises(BrokenProcessPool):
        local_engine.run_apart_sifted(dies_on_more_than_one, [1, 2])
    assert local_engine.run_apart(sum_dies_on, [(3, -1)]) == 9  # the next call finds a pool


@pytest.mark.parametrize(("code", "fields", "zh"), [
    ("effect_crashed", {"items": 12}, "对 12 个条目的效果评估"),
    ("design_crashed", {"sentences": 10000}, "从 10000 个句子设计语料"),
])
def test_the_refusals_are_worded_in_english_and_chinese(
    code: str, fields: dict[str, int], zh: str
) -> None:
    said, details = word_error("english", {"reason_code": code, **fields}, "zh-CN")
    assert said.startswith(zh) and details["message_en"] == "english"
