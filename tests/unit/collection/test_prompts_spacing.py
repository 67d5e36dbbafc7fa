"""Found by a trial project manager: a recording script pasted twice, once from a document that
doubled a space or wrote an accent as letter + combining mark, kept both copies of each such
prompt, so every speaker was asked to record the same sentence twice. Prompts now compare (and
are stored) with runs of white space as one space and in Unicode NFC."""

from __future__ import annotations

from datamill.collection import staff
from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests.unit.collection.helpers import PROMPTS, collection_project


def test_prompts_differing_in_spacing_or_composition_are_one(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        first = staff.add_prompts(s, pm, pid, ["a café  on the\tcorner"])
        again = staff.add_prompts(s, pm, pid, [PROMPTS[0].replace(" ", "  "),
                                               "a cafe\u0301 on the corner"])
        texts = [p["text"] for p in staff.list_prompts(s, pm, pid)]
    assert first["added"] == 1 and again == {"project_id": pid, "added": 0, "skipped": 2,
                                             "total": len(PROMPTS) + 1}
    assert texts[-1] == "a café on the corner"


def test_chinese_prompts_differing_in_spaces_are_one(
    runtime: Runtime, users: dict[str, User],
) -> None:
    """A Chinese script typed with spaces between words or a full-width space (打开 空调。,
    关闭　窗户！): 打开空调。 pasted again was a second prompt to record. The first spelling
    is kept (a TTS script's spaces mark its words)."""
    pid = collection_project(runtime, users)
    with runtime.session() as s:
        pm = s.merge(users["pm"])
        first = staff.add_prompts(s, pm, pid, ["打开 空调。", "关闭　窗户 ！", "打开 WiFi 。"])
        again = staff.add_prompts(s, pm, pid, ["打开空调。", "关闭窗户！"])
        texts = [p["text"] for p in staff.list_prompts(s, pm, pid)]
    assert first["added"] == 3 and (again["added"], again["skipped"]) == (0, 2)
    assert texts[-3:] == ["打开 空调。", "关闭 窗户 ！", "打开 WiFi 。"]
