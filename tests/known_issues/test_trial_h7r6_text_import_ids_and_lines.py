"""Round 6, h7: a labelled text JSONL import renamed the customer's ids (``a/b`` came back
from the delivery as ``a_b``, ``doc 1`` as ``doc_1``: the rows no longer joined with the
customer's data; ``a/b`` and ``a_b`` in one file were "used twice"), and a row whose spans the
modality refused was named by the text file made of it (``a_b.txt: spans[0] ...``), not by
the source's line. Ids now come back as given, and a refusal names ``file:line``; nothing is
imported when any row is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from datamill.core.errors import InvalidInput
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h5_text_labelled_import import _spec


def _row(item_id: str, text: str, start: int, end: int) -> str:
    return json.dumps({"id": item_id, "text": text, "annotation": {
        "spans": [{"start": start, "end": end, "label": "PER"}]}}, ensure_ascii=False) + "\n"


def test_ids_come_back_as_given_and_a_refused_row_is_named_by_its_line(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, _spec("h7-ids")).id
    good = tmp_path / "good.jsonl"
    good.write_text(_row("a/b", "王五在深圳。", 0, 2) + _row("a_b", "赵六在广州。", 0, 2)
                    + _row("doc 1", "钱七在杭州。", 0, 2), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"  # line 2 cuts é (e + U+0301) in two
    bad.write_text(_row("ok", "孙八在南京。", 0, 2) + _row("cut", "Café e\u0301té 在北京。", 5, 6),
                   encoding="utf-8")
    with rt.session() as s, pytest.raises(InvalidInput) as refused:
        import_labelled(s, rt.blobs, pid, bad, fmt="text_jsonl")
    assert "bad.jsonl:2: spans[0]" in refused.value.message, refused.value.message
    with rt.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)
                        .where(Item.project_id == pid)) == 0
        report = import_labelled(s, rt.blobs, pid, good, fmt="text_jsonl")
    assert (report.imported, report.labelled) == (3, 3)
    with rt.session() as s:
        ids = s.scalars(select(Item.external_id).where(Item.project_id == pid)
                        .order_by(Item.id)).all()
    assert ids == ["a/b", "a_b", "doc 1"]


def test_a_malformed_annotation_is_named_by_line_and_field(tmp_path: Path) -> None:
    """A row's annotation the schema refuses was told as pydantic's whole report (its type
    names, ``For further information visit https://errors.pydantic.dev/...``)."""
    from datamill.modalities.text.errors import TextSourceError
    from datamill.modalities.text.importers.text_jsonl import TextJsonlImporter

    src = tmp_path / "rows.jsonl"
    src.write_text(_row("ok", "孙八在南京。", 0, 2) + _row("neg", "张伟在北京。", -1, 2),
                   encoding="utf-8")
    with pytest.raises(TextSourceError) as refused:
        list(TextJsonlImporter(tmp_path / "media").iter_items(src))
    said = refused.value.message
    assert said.startswith("rows.jsonl:2: ") and "spans[0].start" in said, said
    assert "pydantic" not in said and "TextAnnotation" not in said
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())
