"""Trial h5, round 3: a text project imports pre-labelled text (``data import --format
text_jsonl|conll|spacy_json|auto``). The importers existed, but the text modality named none,
so ``--format`` answered "text projects take no pre-labelled formats" and a customer's labelled
corpus, or the project's own ``text_jsonl`` delivery, could not come back in with its spans.

Chinese text (no spaces, full-width punctuation, a character outside the BMP, a U+2028 line
separator that JSON writes unescaped) goes through import → the item's first version →
``text_jsonl`` delivery → read back, with code-point offsets unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.core.errors import InvalidInput
from datamill.modalities.text.exporters.hf import TextJsonlExporter
from datamill.modalities.text.importers.text_jsonl import TextJsonlImporter
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

ROWS = [  # (id, text, spans)
    ("z1", "张伟在北京的清华大学读书。", [(0, 2, "PER"), (3, 5, "LOC"), (6, 10, "ORG")]),
    ("z2", "𠮷野家（连锁店）开在东京，“好吃”！", [(0, 3, "ORG"), (10, 12, "LOC")]),
    ("z3", "第一段。\u2028第二段：李娜在上海。", [(9, 11, "PER"), (12, 14, "LOC")]),
]


def _spec(name: str) -> dict[str, object]:
    return {"name": name, "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": TEXT_REQUIREMENTS}


def _delivered(folder: Path) -> Path:
    """The project's own text_jsonl delivery of the rows."""
    items = [TextExportItem(id=i, text=t, sha256="0" * 64, language="zh-CN",
                            annotation=TextAnnotation.model_validate(
                                {"spans": [{"start": s, "end": e, "label": lab}
                                           for s, e, lab in spans]}))
             for i, t, spans in ROWS]
    TextJsonlExporter().export(iter(items), folder)
    return folder / "data.jsonl"


def test_a_text_delivery_comes_back_in_with_its_spans(sqlite_runtime: Runtime,
                                                      tmp_path: Path) -> None:
    source = _delivered(tmp_path / "pkg")
    assert "\u2028" in source.read_text(encoding="utf-8")  # JSON leaves it unescaped
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, _spec("zh-labelled")).id
    with rt.session() as s:
        report = import_labelled(s, rt.blobs, pid, source, fmt="auto")
    assert (report.format, report.imported, report.labelled) == ("text_jsonl", 3, 3)
    with rt.session() as s:
        got = {ext: (model, [(sp["start"], sp["end"], sp["label"]) for sp in segments["spans"]])
               for ext, model, segments in s.execute(
                   select(Item.external_id, Annotation.model, Annotation.segments)
                   .join(Annotation, Annotation.id == Item.current_annotation_id)
                   .where(Item.project_id == pid).order_by(Item.id))}
    assert got == {i: ("import:text_jsonl", spans) for i, _t, spans in ROWS}
    # what came in reads back as the same texts and spans
    back = {p.stem: (p.read_text(encoding="utf-8"), [(sp.start, sp.end, sp.label)
                                                     for sp in a.spans])
            for p, a, *_ in TextJsonlImporter(tmp_path / "again").iter_items(source)}
    assert back == {i: (t, spans) for i, t, spans in ROWS}
    assert back["z2"][0][10:12] == "东京" and back["z3"][0][12:14] == "上海"


def test_labels_that_do_not_fit_their_text_import_nothing(sqlite_runtime: Runtime,
                                                          tmp_path: Path) -> None:
    """Offsets counted in UTF-16 units (a JavaScript tool) and a span past the end are named."""
    source = tmp_path / "bad.jsonl"
    rows = [{"id": "b1", "text": "𠮷野家在东京。", "annotation": {"spans": [
                {"start": 5, "end": 7, "label": "LOC", "text": "东京"}]}},
            {"id": "b2", "text": "上海很大。", "annotation": {"spans": [
                {"start": 0, "end": 9, "label": "LOC"}]}}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, _spec("zh-bad")).id
    with rt.session() as s, pytest.raises(InvalidInput) as err:
        import_labelled(s, rt.blobs, pid, source, fmt="text_jsonl")
    assert "not the text at [5, 7)" in err.value.message
    assert "[0, 9) lies outside the text (5 characters)" in err.value.message
    with rt.session() as s:
        assert s.scalar(select(Item.id).where(Item.project_id == pid)) is None


def test_work_next_shows_the_relations_between_spans(tmp_path: Path) -> None:
    """An imported (or earlier) version's relations were not shown by ``work next``: an
    annotator correcting them on the terminal did not see them."""
    from datamill.cli._words import CLI_WORDS
    from datamill.modalities.registry import get_modality

    text = tmp_path / "z1.txt"
    text.write_text(ROWS[0][1], encoding="utf-8")
    payload = {"spans": [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
                         {"id": "s2", "start": 6, "end": 10, "label": "ORG"}],
               "relations": [{"head": "s1", "tail": "s2", "label": "works_at"}]}
    view = get_modality("text").readable_task  # type: ignore[attr-defined]
    assert view(text, payload).splitlines()[-1] == (
        "relation: 张伟 [0, 2) → 清华大学 [6, 10) works_at")
    zh = {k.removeprefix("view."): v for k, v in CLI_WORDS["zh-CN"].items()
          if k.startswith("view.")}
    assert view(text, payload, words=zh).splitlines()[-1] == (
        "关系：张伟 [0, 2) → 清华大学 [6, 10) works_at")


def test_the_review_comparison_shows_the_relations_that_changed() -> None:
    """A reviewer saw spans added, removed or relabelled but not a relation removed or added
    (the review and inspection differences left relations out)."""
    import html
    import re

    from datamill.modalities.text.compare import compare_text
    from datamill.web.i18n import translator
    from datamill.web.routes._common import code_label, templates

    spans = [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
             {"id": "s2", "start": 3, "end": 5, "label": "LOC"},
             {"id": "s3", "start": 6, "end": 10, "label": "ORG"}]
    before = {"spans": spans, "relations": [{"head": "s1", "tail": "s3", "label": "works_at"}]}
    # the same spans under other ids (a reviewer's edit), one relation swapped for another
    after = {"spans": [{**s, "id": f"x{s['id']}"} for s in spans],
             "relations": [{"head": "xs3", "tail": "xs2", "label": "located_in"}]}
    cmp = compare_text(before, after)
    assert cmp["relations"] == [
        {"status": "removed", "label": "works_at", "head": [0, 2], "tail": [6, 10]},
        {"status": "added", "label": "located_in", "head": [6, 10], "tail": [3, 5]}]
    assert cmp["differences"] == 2 and cmp["spans"] == []
    assert compare_text(before, {**before, "spans": spans})["differences"] == 0
    tr = translator("zh-CN")
    page = templates.env.from_string(
        "{% from 'text/_workbench.html' import text_compare with context %}"
        "{{ text_compare(c, text) }}")
    out = html.unescape(page.render(c=cmp, text=ROWS[0][1], t=tr, tc=code_label(tr),
                                    lang="zh-CN"))
    rows = [" ".join(r.split()) for r in re.findall(r'data-status="relation-[a-z]+"[^>]*>(.*?)</li>',
                                                     out, re.S)]
    assert [re.sub(r"<[^>]+>", "", r) for r in rows] == [
        f"{tr('cmp.status.removed')} · 关系 “张伟 → 清华大学” works_at",
        f"{tr('cmp.status.added')} · 关系 “清华大学 → 北京” located_in"]


def test_the_hf_columns_carry_the_relations(tmp_path: Path) -> None:
    """A customer loading ``text_jsonl`` / ``text_parquet`` with HF ``datasets`` got spans but
    no relations (only inside the ``annotation`` JSON string, by span ids the columns lack)."""
    datasets = pytest.importorskip("datasets")
    from datamill.modalities.text.exporters.hf import TextParquetExporter

    ann = TextAnnotation.model_validate({
        "spans": [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
                  {"id": "s2", "start": 3, "end": 5, "label": "LOC"},
                  {"id": "s3", "start": 6, "end": 10, "label": "ORG"}],
        "relations": [{"head": "s1", "tail": "s3", "label": "works_at"},
                      {"head": "s3", "tail": "s2", "label": "located_in"}]})
    plain = TextAnnotation.model_validate({"spans": [{"start": 0, "end": 2, "label": "PER"}]})
    items = [TextExportItem(id="r1", text=ROWS[0][1], sha256="0" * 64, language="zh-CN",
                            annotation=ann),
             TextExportItem(id="r2", text=ROWS[2][1], sha256="0" * 64, language="zh-CN",
                            annotation=plain)]
    TextJsonlExporter().export(iter(items), tmp_path / "j")
    TextParquetExporter().export(iter(items), tmp_path / "p")
    for kind, file in (("json", "j/data.jsonl"), ("parquet", "p/data.parquet")):
        ds = datasets.load_dataset(kind, data_files=str(tmp_path / file), split="train",
                                   cache_dir=str(tmp_path / f".hf-{kind}"))
        row = ds[0]
        named = [(row["text"][row["spans"][r["head"]]["start"]:row["spans"][r["head"]]["end"]],
                  row["text"][row["spans"][r["tail"]]["start"]:row["spans"][r["tail"]]["end"]],
                  r["label"]) for r in row["relations"]]
        assert named == [("张伟", "清华大学", "works_at"), ("清华大学", "北京", "located_in")]
        assert ds[1]["relations"] == []
