"""Issue 8, defect 3: the import never reads a file outside its root (symlinks, API paths)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.config import Settings
from datamill.core.errors import InvalidInput
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._import_case import API, item_count, project, tones, write_jsonl

SECRET = "top secret: the root password is hunter2"


def _outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    tones(out, 1, prefix="x")
    (out / "secret.txt").write_text(SECRET, encoding="utf-8")
    return out


def _prompts(rt: Runtime, project_id: int) -> dict[str, str | None]:
    with rt.session() as s:
        return {i.external_id: i.prompt for i in s.scalars(select(Item).where(Item.project_id == project_id))}


def test_symlinked_prompt_and_audio_out_of_the_folder_are_rejected(runtime: Runtime, tmp_path: Path) -> None:
    out = _outside(tmp_path)
    folder = tmp_path / "in"
    tones(folder, 3)  # utt000..utt002
    (folder / "utt000.txt").symlink_to(out / "secret.txt")  # prompt leaking a secret
    (folder / "utt001.txt").write_text("a real prompt", encoding="utf-8")
    (folder / "leak.wav").symlink_to(out / "x000.wav")  # audio from outside
    (folder / "sub").mkdir()
    tones(folder / "sub", 1, prefix="s")
    (folder / "inside.wav").symlink_to(folder / "sub" / "s000.wav")  # a link inside is fine
    (folder / "escape").symlink_to(out, target_is_directory=True)  # a directory link out

    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)

    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert reasons["utt000.wav"] == (
        "prompt file utt000.txt is a symbolic link that points outside the import folder"
    )
    assert "points outside the import folder" in reasons["leak.wav"]
    # the link inside is imported; the file it names is then the same bytes a second time
    assert reasons["sub/s000.wav"].startswith("same bytes as item 'inside' (inside.wav)")
    assert set(reasons) == {"utt000.wav", "leak.wav", "sub/s000.wav"}
    prompts = _prompts(runtime, pid)
    assert SECRET not in {p for p in prompts.values() if p}
    assert sorted(prompts) == ["inside", "utt001", "utt002"]
    assert prompts["utt001"] == "a real prompt"


def test_manifest_rows_cannot_reach_out_through_links(runtime: Runtime, tmp_path: Path) -> None:
    out = _outside(tmp_path)
    folder = tmp_path / "drop"
    tones(folder, 2)
    (folder / "link.wav").symlink_to(out / "x000.wav")
    (folder / "dirlink").symlink_to(out, target_is_directory=True)
    manifest = write_jsonl(folder / "m.jsonl", [
        {"id": "ok0", "path": "utt000.wav"},
        {"id": "l1", "path": "link.wav"},
        {"id": "l2", "path": "dirlink/x000.wav"},
        {"id": "l3", "path": "../outside/x000.wav"},
        {"id": "ok1", "path": "utt001.wav"},
    ])
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert report.imported == 2
    assert "symbolic link that points outside" in reasons["m.jsonl:2"]
    assert "symbolic link that points outside" in reasons["m.jsonl:3"]
    assert "escapes the import folder" in reasons["m.jsonl:4"]


def test_manifest_that_is_a_link_out_of_its_folder_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    out = _outside(tmp_path)
    write_jsonl(out / "m.jsonl", [{"path": "x000.wav"}])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "m.jsonl").symlink_to(out / "m.jsonl")
    pid = project(runtime)
    with pytest.raises(InvalidInput, match="outside the import folder"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder / "m.jsonl")
    assert item_count(runtime, pid) == 0


# ---------------------------------------------------------------------------------- the API


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _pm(client: TestClient) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_imports_only_under_the_import_root(client: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    out = _outside(tmp_path)
    root = runtime.settings.resolved_import_root()
    assert root == (tmp_path / "imports").resolve()  # the default: <home>/imports
    tones(root / "batch1", 2)
    (root / "batch1" / "utt000.txt").symlink_to(out / "secret.txt")
    (root / "escape").symlink_to(out, target_is_directory=True)
    pm = _pm(client)
    pid = client.post(f"{API}/projects", json={
        "name": "api-import-root", "modality": "speech.asr", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate"], "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5}, "requirements": {},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    }, headers=pm).json()["id"]

    for path in (str(out), "/etc", "../outside", "escape", "batch1/../../outside", "a\x00b", "x" * 5000):
        r = client.post(f"{API}/projects/{pid}/imports", json={"path": path}, headers=pm)
        assert r.status_code == 422, (path, r.text)
        assert "Traceback" not in r.text
    assert item_count(runtime, pid) == 0

    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch1"}, headers=pm)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["imported"], body["rejected"]) == (1, 1)
    assert "symbolic link" in body["rejections"][0]["reason"]
    assert SECRET not in r.text


def test_import_root_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATAMILL_IMPORT_ROOT", str(tmp_path / "drop"))
    assert Settings().resolved_import_root() == (tmp_path / "drop").resolve()
    monkeypatch.delenv("DATAMILL_IMPORT_ROOT")
    assert Settings(home=tmp_path).resolved_import_root() == (tmp_path / "imports").resolve()
    assert os.fspath(Settings(home=tmp_path).resolved_import_root()).endswith("imports")


def test_a_relative_manifest_path_is_taken_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo (and any operator) names ``data/manifest.csv`` relative to where it runs."""
    from datamill.production._import_rows import iter_source_rows

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.wav").write_bytes(b"RIFF")
    (folder / "manifest.csv").write_text("path,prompt\na.wav,hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rows = list(iter_source_rows(Path("data/manifest.csv")))
    assert [r.error for r in rows] == [None]


def test_a_url_source_is_refused_naming_the_url_as_given(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    """h4 trial, round 3: ``data import 1 s3://bucket/m.jsonl`` answered ``s3:/bucket/m.jsonl
    does not exist`` (a Path of the URL, one slash): the URL is refused as a URL, as typed."""
    import json

    from tests._cli import run_cli

    got = run_cli(tmp_path / "cli", "data", "import", "1", "s3://bucket/raw/m.jsonl", "--in-place",
                  "--url-root", "s3://bucket/raw/", "--as", "pm", "--json", ok=False)
    error = json.loads(got.stdout)["error"]
    assert error["reason_code"] == "source_is_url", error
    assert error["message"].startswith("s3://bucket/raw/m.jsonl is a URL"), error
    from datamill.compliance.users import add_member, get_user

    pid = project(runtime, "url-source")
    with runtime.session() as s:
        add_member(s, pid, get_user(s, "pm"), None)
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "s3://bucket/m.jsonl"},
                    headers=_pm(client))
    assert r.status_code == 422, r.text
    assert r.json()["reason_code"] == "source_is_url" and "s3:/b" not in r.text, r.text
