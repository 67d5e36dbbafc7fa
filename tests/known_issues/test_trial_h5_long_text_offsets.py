"""Round 4 (h5): a text document over 20,000 characters keeps its text only in its file, so
the annotation validator had no text to check a span against: a span whose ``text`` said 𠮷野家
but whose offsets (counted in UTF-16 units by the client, one more per 𠮷 before it) pointed at
北京工 was stored. The loop now gives the validator the document's text (the text plugin's
``validation_attributes`` reads the file), as a short text's is checked."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.text.schema import TEXT_IN_ATTRIBUTES_MAX
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

SENTENCE = "张三在北京工作，𠮷野家在上海。"  # 15 code points, 16 UTF-16 units


def test_a_long_document_s_spans_are_checked_against_its_text(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    text = SENTENCE * (TEXT_IN_ATTRIBUTES_MAX // len(SENTENCE) + 2)
    (tmp_path / "doc.txt").write_text(text + "\n", encoding="utf-8")
    prepared = prepare_text_source(tmp_path / "doc.txt", tmp_path / "prepared")
    req = copy.deepcopy(TEXT_REQUIREMENTS)
    req["text"]["max_chars"] = len(text)
    with runtime.session() as s:
        p = create_project(s, {
            "name": "long-offsets", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": req})
        add_member(s, p.id, s.get(User, users["ann1"].id), actor_id=None)
        pid = p.id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, prepared.manifest)
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 1
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    n = 1000  # the 1,001st sentence: 1,000 𠮷 before it
    at = n * len(SENTENCE) + 8
    utf16 = len(text[:at].encode("utf-16-le")) // 2
    assert text[at:at + 3] == "𠮷野家" and text[utf16:utf16 + 3] == "北京工"
    with runtime.session() as s:
        me = s.get(User, users["ann1"].id)
        task = claim_next_task(s, me, pid, "annotate")
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None and "text" not in item.attributes
        with pytest.raises(InvalidInput) as err:
            submit_annotation(s, me, task.id, {"spans": [
                {"start": utf16, "end": utf16 + 3, "label": "ORG", "text": "𠮷野家"}]},
                base_version=task.current_version)
        assert [p["code"] for p in err.value.details["problems"]] == ["span_text_mismatch"]
        assert err.value.details["problems"][0]["actual"] == "北京工"
        done = submit_annotation(s, me, task.id, {"spans": [
            {"start": at, "end": at + 3, "label": "ORG", "text": "𠮷野家"}]},
            base_version=task.current_version)
        assert done.version == 1


def test_a_long_labelled_document_s_spans_are_checked_on_import(
    runtime: Runtime, tmp_path: Path
) -> None:
    """The same through a labelled import (``text_jsonl``): it was stored."""
    import json

    from datamill.production.labelled_import import import_labelled

    text = SENTENCE * (TEXT_IN_ATTRIBUTES_MAX // len(SENTENCE) + 2)
    at = 1000 * len(SENTENCE) + 8
    utf16 = len(text[:at].encode("utf-16-le")) // 2
    row = {"id": "L1", "text": text, "annotation": {"spans": [
        {"start": utf16, "end": utf16 + 3, "label": "ORG", "text": "𠮷野家"}]}}
    (tmp_path / "rows.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    req = copy.deepcopy(TEXT_REQUIREMENTS)
    req["text"]["max_chars"] = len(text)
    with runtime.session() as s:
        pid = create_project(s, {
            "name": "long-import", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"], "package_size": 10,
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": req}).id
    with runtime.session() as s, pytest.raises(InvalidInput, match="北京工"):
        import_labelled(s, runtime.blobs, pid, tmp_path / "rows.jsonl", fmt="text_jsonl")
