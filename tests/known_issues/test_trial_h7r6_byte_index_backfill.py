"""Round 6, h7: a long text document imported before the byte index was kept has none, and
nothing made one: every inspection list read it whole from the store, forever. The first page
that reads it whole now keeps its index (made from that text, with its BOM), so the next one
reads its spans by byte range, with the same words as the whole text's; an item whose text is
not the one described (another length) gets no index (an index of another text reads wrong
words)."""

from __future__ import annotations

import copy
from pathlib import Path

from sqlalchemy import select

from datamill.modalities.registry import get_modality
from datamill.modalities.text.excerpts import TextExcerpts
from datamill.modalities.text.schema import TEXT_IN_ATTRIBUTES_MAX
from datamill.production.dashboard import sample_excerpts
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS
from tests.unit.production.helpers import spec


def test_an_old_long_document_gets_its_index_on_first_read(runtime: Runtime,
                                                           tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    base = "张伟在北京工作，𠮷野家在上海。😀👨\u200d👩\u200d👧e\u0301"
    texts = [f"{n}" + base * (TEXT_IN_ATTRIBUTES_MAX // len(base) + 300) for n in range(2)]
    for n, text in enumerate(texts):
        (docs / f"d{n}.txt").write_bytes(b"\xef\xbb\xbf" * (1 - n) + text.encode())  # d0: BOM
    req = copy.deepcopy(TEXT_REQUIREMENTS)
    req["text"]["max_chars"] = 100_000
    plugin = get_modality("text")
    with runtime.session() as s:
        pid = create_project(s, spec(name="old-index", modality="text", requirements=req,
                                     stages=["annotate"], acceptance={"span_f1": 0.9})).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, docs)
    with runtime.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid)
                          .order_by(Item.external_id)).all()
        ids = [i.id for i in items]
        kept = {i.id: i.attributes["byte_index"] for i in items}
        # both as imported before the index was kept; the second's file is not its text
        for item in items:
            item.attributes = {k: v for k, v in item.attributes.items() if k != "byte_index"}
        items[1].attributes = {**items[1].attributes, "chars": len(texts[1]) + 1}
    ranges = {i: [(1, 3), (len(t) - 20, len(t) - 9), (4095, 4098), (12_000, 12_007)]
              for i, t in zip(ids, texts, strict=True)}
    for _ in range(2):  # the first read is whole, the second by range: the same words
        with runtime.session() as s:
            got = sample_excerpts(s, runtime.blobs, plugin, ranges)
            for item_id, text in zip(ids, texts, strict=True):
                assert [got[item_id][a:b] for a, b in ranges[item_id]] == [
                    text[a:b] for a, b in ranges[item_id]]
    assert isinstance(got[ids[0]], TextExcerpts) and got[ids[1]] == texts[1]
    with runtime.session() as s:
        after = {i.id: (i.attributes or {}).get("byte_index")
                 for i in s.scalars(select(Item).where(Item.id.in_(ids)))}
    assert after == {ids[0]: kept[ids[0]], ids[1]: None}
