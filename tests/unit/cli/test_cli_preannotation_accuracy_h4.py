"""``datamill data preannotation-accuracy``: the pre-annotation report per the project's
modality, said for people in English and zh-CN (no WER on a text or LLM project), JSON with
``--json``; a modality without a measure says it is not measured."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run
from tests.unit.modalities.llm._cases import spec as llm_spec


def test_the_report_says_what_each_modality_measures(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "acc-text", {"a.txt": "张伟在北京工作。"})
    said = run(home, "data", "preannotation-accuracy", "acc-text", "--as", "root").stdout
    assert "acc-text: no pre-annotation to measure yet" in said, said
    assert "prompt" not in said and "WER" not in said
    data = json.loads(run(home, "data", "preannotation-accuracy", "acc-text", "--as", "root",
                          "--json").stdout)
    assert data["measured"] is True and data["items"] == 0 and "span_f1" in data["metrics"]
    spec_file = tmp_path / "llm.yaml"
    spec_file.write_text(yaml.safe_dump(llm_spec(name="acc-llm")), encoding="utf-8")
    run(home, "project", "create", str(spec_file), "--as", "root", "--json")
    said = run(home, "data", "preannotation-accuracy", "acc-llm", "--as", "root").stdout
    assert "acc-llm: pre-annotations are not measured in llm projects" in said, said
    said = run(home, "data", "preannotation-accuracy", "acc-llm", "--as", "root",
               DATAMILL_LANG="zh-CN").stdout
    assert "不衡量llm项目的预标注" in said and "measured" not in said, said
    data = json.loads(run(home, "data", "preannotation-accuracy", "acc-llm", "--as", "root",
                          "--json").stdout)
    assert data["measured"] is False and data["not_measured"]
