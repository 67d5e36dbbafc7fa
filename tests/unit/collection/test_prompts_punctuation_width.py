"""A Chinese recording script pasted once with full-width punctuation (你好，世界。) and once
from a document that wrote it half-width (你好, 世界.) or quoted it differently (「…」, “…”,
"…") kept both copies, so every speaker was asked to read the same sentence twice.
Punctuation now compares by what it is, not by its width; the first spelling is kept."""

from __future__ import annotations

from datamill.collection import staff
from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests.unit.collection.helpers import collection_project


def test_full_and_half_width_punctuation_are_one_prompt(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        first = staff.add_prompts(s, pm, pid, ["「你好，世界。」", "打开空调！", "现在几点？"])
        again = staff.add_prompts(s, pm, pid, ['"你好,世界."', "“你好, 世界.”", "打开空调!",
                                               "现在几点 ?", "ＯＫ，现在几点？"])
        texts = [p["text"] for p in staff.list_prompts(s, pm, pid)]
    assert first["added"] == 3
    assert (again["added"], again["skipped"]) == (1, 4), again
    assert texts[-4:] == ["「你好，世界。」", "打开空调！", "现在几点？", "ＯＫ，现在几点？"]


def test_different_punctuation_stays_different(
    runtime: Runtime, users: dict[str, User],
) -> None:
    """A question is not a statement: only the width of a mark is folded, never the mark."""
    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        out = staff.add_prompts(s, pm, pid, ["现在几点。", "现在几点？", "现在几点"])
    assert out["added"] == 3
