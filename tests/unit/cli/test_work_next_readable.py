"""``datamill work next`` shows a text or LLM annotator what to work on: the text with the
current spans (``text [start, end) LABEL``), or the dialogue with each candidate response; and
the command that answers it; with ``--json`` the task's ``content`` holds the text or the record
(messages and responses) so a script sees what it judges. A wrong kind of answer is refused with the shape the project wants.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.unit.cli._text_project import text_spec
from tests.unit.cli.test_cli import run
from tests.unit.modalities.llm._cases import spec as llm_spec


def _project(home: Path, tmp_path: Path, spec: dict[str, Any], source: Path) -> None:
    spec_file = tmp_path / f"{spec['name']}.yaml"
    spec_file.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    run(home, "project", "create", str(spec_file), "--as", "root", "--json")
    run(home, "project", "add-member", spec["name"], "ann", "--as", "root")
    run(home, "data", "import", spec["name"], str(source), "--as", "root", "--json")
    run(home, "data", "check", spec["name"], "--as", "root", "--json")


def test_work_next_shows_text_spans_and_llm_responses(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "ann", "--role", "annotator", "--password", "password1",
        "--as", "root")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "zh1.txt").write_text("张伟在北京的清华大学工作。", encoding="utf-8")
    _project(home, tmp_path, text_spec("next-ner"), texts)
    run(home, "data", "preannotate", "next-ner", "--engine", "gazetteer", "--as", "root")
    run(home, "work", "package", "next-ner", "--stage", "annotate", "--as", "root")
    shown = run(home, "work", "next", "next-ner", "--as", "ann").stdout
    assert "text: 张伟在北京的清华大学工作。" in shown
    assert "span: 北京 [3, 5) LOC" in shown and "span: 清华大学 [6, 10) ORG" in shown
    assert '"schema_version"' not in shown  # no raw payload dump
    task = json.loads(run(home, "work", "next", "next-ner", "--as", "ann", "--json").stdout)
    assert task["content"] == {"type": "text_item", "schema_version": 1,
                               "text": "张伟在北京的清华大学工作。"}  # what a script judges
    assert f"datamill work submit {task['id']} --base-version 1 --as ann --annotation" in shown
    proc = run(home, "work", "submit", str(task["id"]), "--base-version", "1", "--text", "北京",
                "--as", "ann", "--json", ok=False)
    assert proc.returncode == 2
    assert 'submit a JSON object such as {"spans"' in json.loads(proc.stdout)["error"]["message"]

    record = {"id": "r1", "prompt": "北京是哪个国家的首都？",
              "responses": [{"id": "a", "content": "北京是中国的首都。"},
                            {"id": "b", "content": "北京是日本的首都。"}]}
    source = tmp_path / "records.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    pref = llm_spec("pairwise", name="next-pref",
                    requirements={**llm_spec("pairwise")["requirements"],
                                  "record": {**llm_spec("pairwise")["requirements"]["record"],
                                             "languages": []}})
    _project(home, tmp_path, pref, source)
    run(home, "work", "package", "next-pref", "--stage", "annotate", "--as", "root")
    shown = run(home, "work", "next", "next-pref", "--as", "ann").stdout
    assert "user: 北京是哪个国家的首都？" in shown
    assert "response a: 北京是中国的首都。" in shown and "response b: 北京是日本的首都。" in shown
    # the answer to write is shown under the dialogue (a CLI annotator had to guess it: h5)
    assert 'write: {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "a", "reason": "..."}' in (
        shown.replace("\n", " ").replace("  ", " "))
    task = json.loads(run(home, "work", "next", "next-pref", "--as", "ann", "--json").stdout)
    content = task["content"]
    assert content["type"] == "llm_record" and content["schema_version"] == 1
    assert content["messages"] == [{"role": "user", "content": "北京是哪个国家的首都？"}]
    assert content["responses"] == [{"id": "a", "content": "北京是中国的首都。"},
                                    {"id": "b", "content": "北京是日本的首都。"}]
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"choice": "a", "reason": "a is right"}), encoding="utf-8")
    proc = run(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
               str(answer), "--as", "ann", "--json", ok=False)
    assert proc.returncode == 2
    message = json.loads(proc.stdout)["error"]["message"]
    assert "this project's task is pairwise" in message and '"type": "llm_pairwise"' in message
