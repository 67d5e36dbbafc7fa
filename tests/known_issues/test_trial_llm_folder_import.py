"""Trial (LLM team, PostgreSQL): a folder import on an LLM project skipped ``.jsonl`` files in
silence (``batch1/data.jsonl``: 201 with ``total 0``), and a folder of ``f1.json``,
``also.jsonl`` and ``notes.txt`` imported ``f1.json`` only and said nothing of the others.

Now a folder's ``.jsonl`` is read record by record, as importing the file itself would, and every
file the import does not take is listed in ``skipped`` with the reason (API, CLI, ``--json``).
Other modalities keep their folder imports: speech takes its audio and the ``.txt`` prompt beside
each file, image its pictures; what else lies in the folder is listed, never imported.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.modalities.image._cases import make_image
from tests.unit.modalities.llm._cases import spec as llm_spec
from tests.unit.production.helpers import spec as speech_spec
from tests.unit.production.helpers import speech_folder
from tests.unit.production.image_helpers import image_spec


def record(i: int) -> dict[str, object]:
    return {"id": f"c{i}", "prompt": f"Question number {i}: what is {i} plus {i}?",
            "responses": [{"id": "a", "content": f"It is {2 * i}."},
                          {"id": "b", "content": f"It is {2 * i + 1}."}]}


def jsonl(path: Path, ids: range) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record(i)) + "\n" for i in ids), encoding="utf-8")
    return path


def mixed_folder(folder: Path) -> Path:
    """``f1.json`` (one record), ``also.jsonl`` (two), ``notes.txt`` and ``sub/more.jsonl``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "f1.json").write_text(json.dumps(record(1)), encoding="utf-8")
    jsonl(folder / "also.jsonl", range(2, 4))
    (folder / "notes.txt").write_text("remember the milk\n", encoding="utf-8")
    jsonl(folder / "sub" / "more.jsonl", range(4, 5))
    return folder


def _ids(rt: Runtime, pid: int) -> list[str]:
    with rt.session() as s:
        return sorted(s.scalars(select(Item.external_id).where(Item.project_id == pid)))


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_folder_reads_jsonl_and_lists_what_it_skips(
    client: TestClient, runtime: Runtime
) -> None:
    with runtime.session() as s:
        pid = create_project(s, llm_spec("pairwise")).id
    root = runtime.settings.resolved_import_root()
    jsonl(root / "batch1" / "data.jsonl", range(7, 10))
    mixed_folder(root / "batch2")
    pm = login(client, "admin")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch1"}, headers=pm)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["total"], body["imported"], body["rejected"], body["skipped"]) == (3, 3, 0, [])
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch2"}, headers=pm)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["total"], body["imported"], body["rejected"]) == (4, 4, 0), body
    assert body["skipped"] == [
        {"source": "notes.txt", "reason": "not a file this project imports (.txt)",
         "code": "file_not_taken", "kind": ".txt"}]
    assert _ids(runtime, pid) == ["c2", "c3", "c4", "c7", "c8", "c9", "f1"]
    again = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch2"}, headers=pm).json()
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 4, 0)


def test_folder_rows_are_named_by_their_path_in_the_folder(runtime: Runtime, tmp_path: Path) -> None:
    with runtime.session() as s:
        pid = create_project(s, llm_spec("pairwise")).id
    folder = mixed_folder(tmp_path / "in")
    (folder / "sub" / "more.jsonl").write_text(
        json.dumps(record(4)) + "\n{broken\n", encoding="utf-8")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert [r["source"] for r in report.rejections] == ["sub/more.jsonl:2"]
    assert report.rejections[0]["reason"].startswith("line 2: malformed JSON")


def test_cli_lists_the_files_it_did_not_take(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(llm_spec("sft", name="sft-zh")), encoding="utf-8")
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run_cli(home, "project", "create", str(spec_file), "--as", "root", "--json")
    folder = tmp_path / "batch2"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(
        {"id": "s1", "messages": [{"role": "user", "content": "Say hello to the team, please."},
                                  {"role": "assistant", "content": "Hello, team!"}]}) + "\n",
        encoding="utf-8")
    (folder / "readme.md").write_text("# notes\n", encoding="utf-8")
    report = json.loads(run_cli(home, "data", "import", "sft-zh", str(folder), "--as", "root",
                                "--json").stdout)
    assert (report["total"], report["imported"]) == (1, 1)
    assert report["skipped"] == [
        {"source": "readme.md", "reason": "not a file this project imports (.md)",
         "code": "file_not_taken", "kind": ".md"}]
    shown = run_cli(home, "data", "import", "sft-zh", str(folder), "--as", "root").stdout
    assert "Not imported: 1 file" in shown and "readme.md" in shown


def test_speech_folder_keeps_audio_and_prompts(runtime: Runtime, tmp_path: Path) -> None:
    """Audio with its prompt sidecars, as before; a manifest and a stray note are listed."""
    with runtime.session() as s:
        pid = create_project(s, speech_spec()).id
    folder = tmp_path / "speech"
    shutil.copytree(speech_folder(tmp_path, 3), folder)
    (folder / "manifest.csv").write_text("path\nutt000.wav\n", encoding="utf-8")
    (folder / "readme.txt").write_text("recorded in the small booth\n", encoding="utf-8")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.total, report.imported, report.rejected) == (3, 3, 0)
    assert report.skipped == [
        {"source": "manifest.csv", "reason": "not a file this project imports (.csv); a manifest"
                                             " is read when it is imported by name",
         "code": "manifest_not_taken", "kind": ".csv"},
        {"source": "readme.txt", "reason": "not a file this project imports (.txt)",
         "code": "file_not_taken", "kind": ".txt"}]
    with runtime.session() as s:
        prompts = list(s.scalars(select(Item.prompt).where(Item.project_id == pid)))
    assert all(prompts), prompts


def test_image_folder_takes_pictures_only(runtime: Runtime, tmp_path: Path) -> None:
    with runtime.session() as s:
        pid = create_project(s, image_spec()).id
    folder = tmp_path / "pics"
    folder.mkdir()
    make_image(folder / "a.png", 64, 48, 1)
    make_image(folder / "b.png", 64, 48, 2)
    (folder / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")  # a YOLO label
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.total, report.imported) == (2, 2)
    assert report.skipped == [{"source": "a.txt",
                               "reason": "not a file this project imports (.txt)",
                               "code": "file_not_taken", "kind": ".txt"}]
