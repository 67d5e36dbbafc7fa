"""Trial h5: an inspection that found one defective item said "1 defective items in a sample
of 3" (stored, so the CLI, API and English pages said it), and one sample left uncorrected
"1 sampled items have no inspector correction yet"; one is worded in the singular now, and
the zh-CN words are picked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.core.code_words import (
    INSPECTION_REASON_WORDS,
    inspection_reason_key,
    parse_inspection_reason,
)
from datamill.core.errors import Conflict, InvalidInput
from datamill.modalities.problem_words import word_error
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review


def test_one_defect_and_one_missing_correction_are_singular(
        runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        insp = start_inspection(s, create_batch(s, pid).id, users["insp"])
    first, *rest = insp.sample
    with runtime.session() as s:
        record_correction(s, insp.id, first["item_id"], "completely different words")
        if rest:
            with pytest.raises(InvalidInput, match=r"^1 sampled item has no inspector correction"
                               r" yet \(item \[\d+\]\)$"):
                complete_inspection(s, insp.id, users["insp"])
    with runtime.session() as s:
        for smp in rest:
            item = s.get(Item, smp["item_id"])
            assert item is not None
            record_correction(s, insp.id, smp["item_id"], (item.prompt or "").lower().rstrip("."))
        done = complete_inspection(s, insp.id, users["insp"])
    n = len(insp.sample)
    assert done.verdict == "rejected"
    said = f"1 defective item in a sample of {n} (acceptance number 0)"
    assert said in done.reasons
    # older stored sentences ("items") and the new one read back alike, worded per language
    for stored in (said, said.replace("item", "items", 1)):
        code, values = parse_inspection_reason(stored) or ("", {})
        assert code == "defects_over" and values["defects"] == 1
        key = inspection_reason_key(code, values)
        assert INSPECTION_REASON_WORDS["en"][key].format(**values) == said
        assert INSPECTION_REASON_WORDS["zh-CN"][key].format(**values) == (
            f"抽样 {n} 条中有 1 条不合格（合格判定数 0）")
    values = {"defects": 2, "sample": 5, "accept": 0}
    assert INSPECTION_REASON_WORDS["en"][inspection_reason_key("defects_over", values)].format(
        **values) == "2 defective items in a sample of 5 (acceptance number 0)"
    # inspecting the rejected batch again is refused with a code: a zh-CN reader got the English
    # "batch batch-001 is rejected; only open batches are inspected" (trial h5)
    with runtime.session() as s, pytest.raises(Conflict) as err:
        start_inspection(s, done.batch_id, users["insp"])
    assert err.value.details["reason_code"] == "batch_not_open"
    assert word_error(err.value.message, err.value.details, "zh-CN")[0] == (
        "批次 batch-001 的状态为“已驳回”：只有待处理的批次才能质检。")
