"""Trial h7 round 3: a zh-CN customer asking for another customer's licence, a dataset not
listed or a mistyped licence number read English ("no licence with id 5", "no catalog dataset
with id 6"). Every "no <object> with id <n>" is coded now (``object_not_found``, the object
named in the reader's language), the same for an object that exists out of sight as for none."""

from __future__ import annotations

from datamill.db.lookup import not_found
from datamill.modalities.problem_words import word_error


def test_an_unknown_id_reads_in_chinese() -> None:
    err = not_found("licence", 5, licence_id=5)
    said, details = word_error(err.message, err.details, "zh-CN")
    assert said == "没有您可以查看的编号为 5 的授权。", said
    assert details["message_en"] == "no licence with id 5", details
    err = not_found("catalog dataset", 6)
    assert word_error(err.message, err.details, "zh-CN")[0].endswith("的标准化数据集。")
    assert word_error(err.message, err.details, "en")[0] == "no catalog dataset with id 6"


def test_a_mistyped_licence_number_reads_in_chinese() -> None:
    from datamill.core.errors import NotFound

    err = NotFound("no licence numbered '1/A'", licence="1/A", reason_code="licence_number_unknown")
    said, _ = word_error(err.message, err.details, "zh-CN")
    assert said.startswith("没有您可以查看的编号为 1/A 的授权"), said


def test_a_quote_requests_state_reads_in_chinese() -> None:
    from datamill.core.errors import Conflict

    err = Conflict("quote request 1 is licensed", request_id=1, status="licensed",
                   reason_code="quote_request_state", step="accepted")
    said, _ = word_error(err.message, err.details, "zh-CN")
    assert said == "询价 1 当前状态为 已授权：现在不能执行此操作。", said
