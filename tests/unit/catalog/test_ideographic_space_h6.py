"""Trial (the ideographic space U+3000 in the catalog): a catalog search typed with a Chinese input method in full-width mode (``智能　家居``
with the ideographic space, ``ＡＳＲ``) or without the title's space (``智能家居``) found
nothing, and the scenario filter compared with
SQL ``lower`` (ASCII only on SQLite: ``ärzte`` missed ``Ärzte`` there, not on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.catalog import datasets, licences
from datamill.catalog.licence_package import licence_markdown_zh, licence_terms
from datamill.catalog.models import CatalogDataset, CatalogLicence, CatalogRelease
from datamill.core.errors import Conflict
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released


def test_search_reads_full_width_input_as_half_width(runtime: Runtime) -> None:
    who = people(runtime)
    with runtime.session() as s:
        datasets.create_dataset(s, who["pm"], name="zh-home", title="智能 家居 ASR 语音",
                                modality="speech.asr", languages=["zh-CN"], scenario="Ärzte")
        datasets.create_dataset(s, who["pm"], name="en-car", title="car commands",
                                modality="speech.asr", languages=["en-US"], scenario="car")

        def names(**kw: str) -> list[str]:
            return [d.name for d in datasets.search_datasets(s, who["sales"], **kw)]

        assert names(text="智能　家居") == ["zh-home"]  # U+3000 typed in full-width mode
        assert names(text="ａｓｒ") == ["zh-home"]
        assert names(text="智能  家居") == ["zh-home"]
        assert names(text="智能家居") == ["zh-home"]  # a space between hanzi is no word break
        assert names(scenario="ärzte") == ["zh-home"]
        assert names(scenario="ＣＡＲ") == ["en-car"]


def test_a_licence_keeps_its_paragraph_indents_and_knows_a_full_width_duplicate(
    runtime: Runtime, tmp_path: Path,
) -> None:
    """Chinese contract text indents each paragraph with two ideographic spaces; issuing took
    the first paragraph's (``str.strip``), so LICENCE.md indented all but the first. And the
    same usage scope typed in full-width form (``ＰＲＣ``) was a second, duplicate licence."""
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path, name="zh-indent")
    cust = customer(runtime)
    criteria = "　　第一段：文件与清单一致。\n　　第二段：抽检合格。\n"
    with runtime.session() as s:
        lic = licences.create_licence(
            s, who["sales"], dataset_id=ds_id, customer_id=cust, price="300000",
            territory="PRC", term="永久", usage_scope="内部 训练", acceptance_criteria=criteria)
        row = s.get(CatalogLicence, lic.id)
        assert row is not None and row.acceptance_criteria == criteria.rstrip("\n")
        rel, ds = s.get(CatalogRelease, row.release_id), s.get(CatalogDataset, row.dataset_id)
        assert rel is not None and ds is not None
        terms = licence_terms(row, rel, ds, licensee="x", licensee_country="CN")
        md = licence_markdown_zh(terms).decode()
        assert "> 　　第一段：文件与清单一致。\n> 　　第二段：抽检合格。" in md
        with pytest.raises(Conflict, match="already holds licence"):
            licences.create_licence(
                s, who["sales"], dataset_id=ds_id, customer_id=cust, price="300000",
                territory="ＰＲＣ", term="永久", usage_scope="内部训练　", acceptance_criteria="ok")
