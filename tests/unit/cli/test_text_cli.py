"""Issue 14 §1: ``datamill text prepare`` then ``data import`` into a text project, by CLI;
a bad source is one JSON error naming the file, line and byte, and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.unit.cli.test_cli import run
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def test_prepare_and_import_a_csv_corpus(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "corpus.csv"
    src.write_text('id,text\na1,张伟在北京工作。\na2,"Marie Curie moved to Paris."\n',
                   encoding="utf-8")
    got = json.loads(run(home, "text", "prepare", str(src), str(tmp_path / "prep"), "--json").stdout)
    assert got["items"] == 2
    spec = {"name": "cli-text", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    report = json.loads(run(home, "data", "import", "cli-text", got["manifest"], "--as", "root",
                            "--json").stdout)
    assert report["imported"] == 2

    bad = tmp_path / "bad.txt"
    bad.write_bytes("好的\n".encode() + "坏的\n".encode("gbk"))
    proc = run(home, "text", "prepare", str(bad), str(tmp_path / "nothing"), "--json", ok=False)
    assert proc.returncode != 0
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "text_not_decodable"
    assert (error["file"], error["line"], error["byte"]) == ("bad.txt", 2, 7)
    assert not (tmp_path / "nothing").exists()
    # a source that is not there: a clear error (exit 2), never a traceback
    proc = run(home, "text", "prepare", str(tmp_path / "nope.txt"), str(tmp_path / "nothing"),
               "--json", ok=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    error = json.loads(proc.stdout)["error"]
    assert "nope.txt: no such file or folder" in error["message"]


def test_prepare_says_one_item_and_refuses_ascii_punctuation_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "one.txt"
    src.write_text("Ｈｅｌｌｏ，世界！\n", encoding="utf-8")
    # --ascii-punctuation without --normalize did nothing, silently
    proc = run(home, "text", "prepare", str(src), str(tmp_path / "a"), "--ascii-punctuation",
               "--json", ok=False)
    assert proc.returncode == 2 and not (tmp_path / "a").exists()
    assert "add --normalize" in json.loads(proc.stdout)["error"]["message"]
    shown = run(home, "text", "prepare", str(src), str(tmp_path / "b"), "--normalize",
                "--ascii-punctuation").stdout
    assert "1 item →" in shown and "1 items" not in shown
    assert "next: datamill data import PROJECT" in shown
    assert next((tmp_path / "b" / "texts").iterdir()).read_text(encoding="utf-8") == "Hello,世界!"
