"""Issue 14 bad input, llm plugin, through the loop's import: malformed JSON lines named by line,
a BOM, an oversized record, duplicate turns and wrong role order, a ranking that omits a
response — clear errors, and nothing half-imported (no item, no blob for a refused record)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec

GOOD = [{"id": f"k{i}", "prompt": f"Question number {i}: what is {i} plus {i}?",
         "responses": [{"id": "a", "content": f"It is {2 * i}."},
                       {"id": "b", "content": f"It is {2 * i + 1}."},
                       {"id": "c", "content": "I would rather not say."}]} for i in range(3)]


def _project(rt: Runtime, users: dict[str, User], task: str = "ranking") -> int:
    with rt.session() as s:
        p = create_project(s, spec(task))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        return p.id


def _items(rt: Runtime, pid: int) -> dict[str, Item]:
    with rt.session() as s:
        return {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}


def test_bad_lines_are_named_and_leave_nothing(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users)
    src = tmp_path / "in" / "records.jsonl"
    src.parent.mkdir()
    oversized = json.dumps({"id": "big", "prompt": "y" * 25_000, "responses": ["a", "b"]})
    lines = [json.dumps(GOOD[0]), '{"id": "half", "prompt": "cut off', json.dumps(GOOD[1]),
             oversized, "\ufeff" + json.dumps(GOOD[2]), json.dumps(GOOD[0])]
    src.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, src)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert (report.imported, report.rejected) == (2, 4), reasons
    assert reasons["records.jsonl:2"].startswith(
        "line 2: malformed JSON: the string is not closed on that line")
    assert "larger than 20000 bytes" in reasons["records.jsonl:4"]
    assert "byte-order mark is allowed only at the start" in reasons["records.jsonl:5"]
    assert reasons["records.jsonl:6"] == "duplicate record id 'k0' (first at records.jsonl:1)"
    items = _items(runtime, pid)
    assert set(items) == {"k0", "k1"}  # the leading BOM did not spoil line 1
    assert items["k0"].volume == 1 and items["k0"].attributes["response_ids"] == ["a", "b", "c"]
    blobs = [p for p in Path(runtime.blobs.root).rglob("*") if p.is_file()]
    assert len(blobs) == 2  # a refused record stored nothing
    with runtime.session() as s:  # importing again is a no-op
        again = import_source(s, runtime.blobs, pid, src)
    assert (again.imported, again.duplicates, again.rejected) == (0, 2, 4)


def test_checks_name_duplicate_turns_and_role_order(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, "pairwise")
    folder = tmp_path / "records"
    folder.mkdir()
    recs = {
        "order": {"id": "order", "messages": [
            {"role": "user", "content": "Hello there, my friend."},
            {"role": "user", "content": "Are you listening to me?"}],
            "responses": ["Yes, I am listening.", "No."]},
        "dups": {"id": "dups", "messages": [
            {"role": "user", "content": "Tell me a joke."},
            {"role": "assistant", "content": "Why did the chicken cross the road?"},
            {"role": "user", "content": "Tell me a joke."}],
            "responses": ["To get to the other side.", "I don't know."]},
    }
    for name, rec in recs.items():  # a folder of .json records imports file by file
        (folder / f"{name}.json").write_text(json.dumps(rec), encoding="utf-8")
    (folder / "junk.json").write_text("{not json", encoding="utf-8")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert report.imported == 2 and report.rejections[0]["source"] == "junk.json"
    assert "malformed JSON" in report.rejections[0]["reason"]
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    why = {r["item"]: r["reasons"] for r in summary.rejections}
    assert set(why) == {"order", "dups"}
    assert "turn 2 is user, expected assistant" in json.dumps(why["order"])
    assert "turn 3 (user) repeats turn 1 (user)" in json.dumps(why["dups"])


def test_a_ranking_that_omits_a_response_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users)
    src = tmp_path / "r.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in GOOD) + "\n", encoding="utf-8")
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, src)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
        t = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t is not None
        with pytest.raises(InvalidInput, match=r"the ranking omits response\(s\) c"):
            submit_annotation(s, users["ann1"], t.id, {"type": "llm_ranking", "ranking": ["a", "b"],
                                                       "reason": "a is right"}, base_version=t.current_version)
        with pytest.raises(InvalidInput, match="names b more than once"):
            submit_annotation(s, users["ann1"], t.id, {"type": "llm_ranking",
                                                       "ranking": ["a", "b", "b", "c"],
                                                       "reason": "a is right"}, base_version=t.current_version)
        submit_annotation(s, users["ann1"], t.id, {"type": "llm_ranking", "ranking": ["a", "c", "b"],
                                                   "reason": "a is right"}, base_version=t.current_version)
