"""A new user's trial (helper h7, round of 2026-12-08): the places where following the README
through a project of each modality left the next step unclear or led to lost work."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests._cli import run_cli
from tests.unit.cli._text_project import imported_text_project


def test_work_next_offers_the_pre_annotated_spans_to_edit(tmp_path: Path) -> None:
    """``work next`` on a pre-annotated NER task listed three spans, then "write:" a one-span
    example: copied as shown and submitted, it dropped the other two. The line to write is
    now the current version itself, every span in it, and it is accepted as written."""
    home = imported_text_project(tmp_path, "guide-pre", {"a.txt": "张伟在北京的清华大学读书。"})
    run_cli(home, "data", "check", "guide-pre", "--as", "root")
    run_cli(home, "data", "preannotate", "guide-pre", "--as", "root")
    run_cli(home, "work", "package", "guide-pre", "--stage", "annotate", "--as", "root")
    task = json.loads(run_cli(home, "work", "next", "guide-pre", "--as", "root",
                              "--json").stdout)
    labelled = {(s["start"], s["end"], s["label"]) for s in task["current"]["payload"]["spans"]}
    assert len(labelled) >= 2, task["current"]  # noqa: PLR2004 - the case needs several spans
    shown = run_cli(home, "work", "next", "guide-pre", "--as", "root").stdout
    line = " ".join(shown.split())  # rich wraps long lines
    doc = json.loads(line.split("write: ", 1)[1].split(" next: ", 1)[0])
    assert {(s["start"], s["end"], s["label"]) for s in doc["spans"]} == labelled, shown
    assert all("attributes" not in s for s in doc["spans"]), doc  # the model's mark left out
    (tmp_path / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    run_cli(home, "work", "submit", str(task["id"]), "--base-version",
            str(task["current_version"]), "--annotation", str(tmp_path / "a.json"),
            "--as", "root")


def _inspected(tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """A home whose text project's one item is annotated, reviewed, batched and sampled."""
    home = imported_text_project(tmp_path, name, {"zh1.txt": "张伟在北京的清华大学工作。"})
    run_cli(home, "data", "check", name, "--as", "root")
    run_cli(home, "work", "package", name, "--stage", "annotate", "--as", "root")
    task = json.loads(run_cli(home, "work", "next", name, "--as", "root", "--json").stdout)
    (tmp_path / "a.json").write_text(json.dumps(
        {"spans": [{"start": 0, "end": 2, "label": "PER"}]}), encoding="utf-8")
    run_cli(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
            str(tmp_path / "a.json"), "--as", "root")
    review = json.loads(run_cli(home, "work", "next", name, "--stage", "review", "--as", "root",
                                "--json").stdout)
    run_cli(home, "work", "review", str(review["id"]), "accept", "--as", "root")
    batch = json.loads(run_cli(home, "qc", "batch", name, "--as", "root", "--json").stdout)
    insp = json.loads(run_cli(home, "qc", "inspect", str(batch["id"]), "--as", "root",
                              "--json").stdout)
    return home, insp


def test_qc_complete_says_what_follows_the_verdict(tmp_path: Path) -> None:
    """``qc complete`` printed the verdict and the sample, and stopped: a first-time inspector
    or manager did not learn that a rejected batch's items had gone back to the annotators
    (and that a new ``qc batch`` follows), nor that an accepted one is delivered next."""
    home, insp = _inspected(tmp_path / "r", "qc-next-r")
    (item,) = insp["sample"]
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"spans": [{"start": 3, "end": 5, "label": "LOC"}]}),
                     encoding="utf-8")
    run_cli(home, "qc", "correct", str(insp["id"]), str(item["item_id"]), "--file", str(wrong),
            "--as", "root")
    shown = " ".join(run_cli(home, "qc", "complete", str(insp["id"]), "--as",
                             "root").stdout.split())
    assert "rejected" in shown, shown
    assert ("next: the batch's item went back to rework: its annotator takes it with "
            "datamill work next qc-next-r --as NAME") in shown, shown
    assert "datamill qc batch qc-next-r --as PM" in shown, shown
    home, insp = _inspected(tmp_path / "a", "qc-next-a")
    (item,) = insp["sample"]
    run_cli(home, "qc", "confirm", str(insp["id"]), str(item["item_id"]), "--as", "root")
    shown = " ".join(run_cli(home, "qc", "complete", str(insp["id"]), "--as", "root",
                             DATAMILL_LANG="zh-CN").stdout.split())
    assert f"下一步：datamill delivery create {insp['batch_id']} --out DIR --as PM" in shown, shown


def test_readme_creates_a_project_as_the_manager_who_then_imports(tmp_path: Path) -> None:
    """The README created a project ``--as admin`` and imported into it ``--as pm``: the PM,
    no member of it, heard ``no project named 'boxes1'``. Its example now creates it as the
    PM, who imports into it at once; made by an admin, it waits for ``add-member``, as the
    README says."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    creates = re.findall(r"datamill project create \S+ --as (\w+)", readme)
    imports = set(re.findall(r"datamill data import \S+ \S+ (?:[^#\n]*?)--as (\w+)", readme))
    assert creates and set(creates) <= imports, (creates, imports)
    assert "project add-member boxes1 pm --as admin" in readme
    home = imported_text_project(tmp_path, "by-admin", {"a.txt": "张伟在北京工作。"})
    run_cli(home, "user", "create", "pm", "--role", "project_manager", "--password",
            "password1", "--as", "root")
    texts = tmp_path / "more"
    texts.mkdir()
    (texts / "b.txt").write_text("李娜在上海工作。", encoding="utf-8")
    hidden = run_cli(home, "data", "import", "by-admin", str(texts), "--as", "pm", ok=False)
    assert hidden.returncode == 3, hidden.stderr  # noqa: PLR2004 - not found
    run_cli(home, "project", "add-member", "by-admin", "pm", "--as", "root")
    run_cli(home, "data", "import", "by-admin", str(texts), "--as", "pm")


def test_a_sampled_image_with_one_object_reads_1_object() -> None:
    """``qc inspect`` / ``qc complete`` summed an image answer of one box as "1 objects (car
    1)"; one object or cuboid is now singular, more stay plural."""
    from datamill.cli.quality import _summary_line

    assert _summary_line({"objects": {"car": 1}, "kinds": {"box": 1}}).startswith(
        "1 object (car 1)")
    assert _summary_line({"cuboids": {"car": 1}}) == "1 cuboid (car 1)"
    assert _summary_line({"objects": {"car": 1, "person": 1}}) == "2 objects (car 1, person 1)"


def test_a_completed_inspection_is_shown_again(tmp_path: Path) -> None:
    """``qc complete``'s table pointed at "--json prints them", and a reworked item at "their
    version is in inspection N"; but ``qc inspect BATCH`` refuses a batch no longer open
    (``batch_not_open``) and no command showed an inspection again. ``qc show INSPECTION``
    does, as ``GET /inspections/{id}``: plan, verdict, scores and the sample."""
    home, insp = _inspected(tmp_path, "qc-show")
    (item,) = insp["sample"]
    run_cli(home, "qc", "confirm", str(insp["id"]), str(item["item_id"]), "--as", "root")
    run_cli(home, "qc", "complete", str(insp["id"]), "--as", "root")
    again = run_cli(home, "qc", "inspect", str(insp["batch_id"]), "--as", "root", "--json",
                    ok=False)
    assert json.loads(again.stdout)["error"]["reason_code"] == "batch_not_open"
    shown = json.loads(run_cli(home, "qc", "show", str(insp["id"]), "--as", "root",
                               "--json").stdout)
    assert shown["verdict"] == "accepted" and shown["sample"][0]["item_id"] == item["item_id"]
    text = " ".join(run_cli(home, "qc", "show", str(insp["id"]), "--as", "root").stdout.split())
    assert text.startswith(f"inspection {insp['id']} of batch {insp['batch_id']}"), text
    assert "accepted: defective items 0" in text, text
    missing = run_cli(home, "qc", "show", "999", "--as", "root", "--json", ok=False)
    assert missing.returncode == 3 and json.loads(missing.stdout)["error"]["code"] == "not_found"  # noqa: PLR2004


def test_work_next_on_speech_names_the_text_option(tmp_path: Path) -> None:
    """The README submits a transcript with ``work submit ID --text "..."``; ``work next``
    on a speech task said ``--annotation FILE.json``, a file whose form nothing showed. It
    now names ``--text``, and that command, filled in, is accepted."""
    import yaml

    from tests.unit.production.helpers import spec, speech_folder

    home = tmp_path / "home"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec(name="asr-next")), encoding="utf-8")
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run_cli(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root")
    run_cli(home, "data", "import", "asr-next", str(speech_folder(tmp_path, 4)), "--as", "root")
    run_cli(home, "data", "check", "asr-next", "--workers", "1", "--as", "root")
    run_cli(home, "work", "package", "asr-next", "--stage", "annotate", "--as", "root")
    shown = " ".join(run_cli(home, "work", "next", "asr-next", "--as", "root").stdout.split())
    command = shown.split("next: ", 1)[1]
    assert command.startswith("datamill work submit ") and '--text "TRANSCRIPT"' in command, shown
    words = command.split(" (or ", 1)[0].replace('"TRANSCRIPT"', "hello").split()[1:]
    assert run_cli(home, *words).stdout.startswith("saved version"), words
    zh = " ".join(run_cli(home, "work", "next", "asr-next", "--as", "root",
                          DATAMILL_LANG="zh-CN").stdout.split())
    assert '--text "TRANSCRIPT"（或 --annotation FILE.json：分段列表）' in zh, zh
