"""Trial 10 (a CVAT team), L9 and L8: a ``.zip`` is imported like a folder, read safely (no
entry written outside a temporary folder, which is removed; a bomb, a corrupt archive import
nothing); a folder link out of the import root is listed in ``skipped`` with its reason.

Before: ``data import cv-cust zips/batch.zip`` said "is neither a folder nor a .csv/.jsonl
manifest", and the API's report of a folder holding a folder link out said ``skipped: []``.
"""

from __future__ import annotations

import io
import json
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.importing import import_source
from datamill.production.models import ImportRun
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._import_case import API, item_count, project, tones
from tests.unit.cli._text_project import text_spec


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the import unpacks into (watched: it must be empty afterwards)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _wavs(tmp_path: Path, n: int) -> list[bytes]:
    return [p.read_bytes() for p in tones(tmp_path / "src", n)]


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix: external_attr's high half is st_mode
    info.external_attr = mode << 16
    return info


def _runs(rt: Runtime, project_id: int) -> int:
    with rt.session() as s:
        q = select(func.count()).select_from(ImportRun).where(ImportRun.project_id == project_id)
        return int(s.scalar(q) or 0)


def test_a_zip_is_imported_like_a_folder(runtime: Runtime, tmp_path: Path, scratch: Path) -> None:
    wavs = _wavs(tmp_path, 3)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("utt000.wav", wavs[0])
        zf.writestr("utt000.txt", "a prompt from the zip")
        zf.writestr("sub/", b"")
        zf.writestr("sub/utt001.wav", wavs[1])
        zf.writestr("sub/deeper/utt002.wav", wavs[2])
        zf.writestr("notes.md", "not media")
        zf.writestr("list.csv", "path\nutt000.wav\n")
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, archive)
    assert (report.imported, report.rejected) == (3, 0)
    skipped = {e["source"]: e["reason"] for e in report.skipped}
    assert set(skipped) == {"notes.md", "list.csv"}
    assert report.source.endswith("batch.zip")
    assert list(scratch.iterdir()) == []  # the unpacked folder is gone
    with runtime.session() as s:  # importing it again: content addressed, nothing new
        again = import_source(s, runtime.blobs, pid, archive)
    assert (again.imported, again.duplicates) == (0, 3)
    assert item_count(runtime, pid) == 3


def test_unsafe_entries_are_skipped_with_the_reason(runtime: Runtime, tmp_path: Path,
                                                    scratch: Path) -> None:
    wavs = _wavs(tmp_path, 2)
    (tmp_path / "a" / "b").mkdir(parents=True)
    archive = tmp_path / "a" / "b" / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.wav", wavs[0])
        zf.writestr("f", b"a file")
        zf.writestr("f/under_a_file.wav", wavs[1])  # the folder f is a file already
        zf.writestr("../../evil.wav", wavs[1])  # what the trial's batch.zip held
        zf.writestr("x/../../../evil2.wav", wavs[1])
        zf.writestr("/abs/evil3.wav", wavs[1])
        zf.writestr(_entry("passwd.wav", stat.S_IFLNK | 0o777), "/etc/passwd")
        zf.writestr(_entry("dev.wav", stat.S_IFCHR | 0o644), b"")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("ok.wav", wavs[1])  # the same name twice
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, archive)
    assert (report.imported, report.rejected) == (1, 0)
    skipped = [(e["source"], e["reason"]) for e in report.skipped]
    assert skipped == [
        ("../../evil.wav", "a path with a '..' component in the archive is not unpacked"),
        ("x/../../../evil2.wav", "a path with a '..' component in the archive is not unpacked"),
        ("/abs/evil3.wav", "an absolute path in the archive is not unpacked"),
        ("passwd.wav", "a symbolic link in the archive is not unpacked"),
        ("dev.wav", "a device file, pipe or socket in the archive is not unpacked"),
        ("ok.wav", "the archive holds this name twice; only the first is unpacked"),
        ("f/under_a_file.wav", "another entry of the archive already has this path"),
        ("f", "not a file this project imports (no suffix)"),
    ]
    assert not list(tmp_path.rglob("evil*.wav"))
    assert not (tmp_path / "abs").exists()
    assert list(scratch.iterdir()) == []


def test_a_zip_bomb_is_refused_whole(runtime: Runtime, tmp_path: Path, scratch: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.wav", b"\0" * 200_000)  # a few hundred bytes packed
        for i in range(5):
            zf.writestr(f"f{i}.txt", "x")
    pid = project(runtime)
    runtime.settings.max_archive_bytes = 100_000
    with pytest.raises(InvalidInput, match=r"^bomb.zip unpacks to 200005 bytes, more than the "
                       r"100000 .*DATAMILL_MAX_ARCHIVE_BYTES.*nothing was imported"), \
            runtime.session() as s:
        import_source(s, runtime.blobs, pid, archive)
    runtime.settings.max_archive_bytes = 10**9
    runtime.settings.max_archive_entries = 5
    with pytest.raises(InvalidInput, match=r"^bomb.zip holds 6 entries, more than the 5 .*"
                       r"DATAMILL_MAX_ARCHIVE_ENTRIES"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, archive)
    assert (item_count(runtime, pid), _runs(runtime, pid)) == (0, 0)
    assert list(scratch.iterdir()) == []


def test_a_corrupt_zip_imports_nothing(runtime: Runtime, tmp_path: Path, scratch: Path) -> None:
    wavs = _wavs(tmp_path, 2)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # stored: the second file's bytes lie as they are
        zf.writestr("utt000.wav", wavs[0])
        zf.writestr("utt001.wav", wavs[1])
    whole = buf.getvalue()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole[: len(whole) // 2])
    bad_crc = tmp_path / "bad_crc.zip"
    at = whole.index(wavs[1][100:140])  # inside the second entry's data
    bad_crc.write_bytes(whole[:at] + bytes([whole[at] ^ 0xFF]) + whole[at + 1:])
    pid = project(runtime)
    for archive, why in ((truncated, "not a zip file"), (bad_crc, "bad crc")):
        with pytest.raises(InvalidInput, match=rf"(?i){archive.name} is not a readable zip "
                           rf"archive \(.*{why}.*\); nothing was imported"), runtime.session() as s:
            import_source(s, runtime.blobs, pid, archive)
    # the first entry was fine, yet nothing of the archive is in: no item, no import run
    assert (item_count(runtime, pid), _runs(runtime, pid)) == (0, 0)
    assert list(scratch.iterdir()) == []


def test_a_zip_cannot_be_registered_in_place(runtime: Runtime, tmp_path: Path) -> None:
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("utt000.wav", _wavs(tmp_path, 1)[0])
    pid = project(runtime)
    with pytest.raises(InvalidInput, match="cannot be registered in place"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, archive, in_place=True)


def test_cli_imports_a_zip_of_another_modality(tmp_path: Path, scratch: Path) -> None:
    """The loop names no modality: a text project's zip is a folder of its ``.txt`` files."""
    home = tmp_path / "home"
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(text_spec("zip-text"), allow_unicode=True), encoding="utf-8")
    run_cli(home, "project", "create", str(spec_file), "--as", "root", "--json")
    archive = tmp_path / "texts.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "张伟在北京的清华大学工作。")
        zf.writestr("b/c.txt", "李娜在上海工作。")
        zf.writestr("../evil.txt", "out")
    report = json.loads(run_cli(home, "data", "import", "zip-text", str(archive), "--as", "root",
                                "--json").stdout)
    assert report["imported"] == 2
    assert report["skipped"] == [{"source": "../evil.txt", "reason": "a path with a '..' "
                                  "component in the archive is not unpacked",
                                  "code": "entry_dotdot"}]
    shown = run_cli(home, "data", "import", "zip-text", str(archive), "--as", "root").stdout
    assert "2 already present" in shown and "../evil.txt" in shown
    assert "Not imported: 1 file of the archive" in shown
    assert not (tmp_path / "evil.txt").exists()


# ---------------------------------------------------------------------------------- the API


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _pm(client: TestClient) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _api_project(client: TestClient, pm: dict[str, str], name: str) -> int:
    r = client.post(f"{API}/projects", json={
        "name": name, "modality": "speech.asr", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate"], "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5}, "requirements": {},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    }, headers=pm)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_api_imports_a_zip_under_the_import_root(client: TestClient, runtime: Runtime,
                                                 tmp_path: Path, scratch: Path) -> None:
    root = runtime.settings.resolved_import_root()
    root.mkdir(parents=True, exist_ok=True)
    wavs = _wavs(tmp_path, 2)
    with zipfile.ZipFile(root / "batch.zip", "w") as zf:
        zf.writestr("ok.wav", wavs[0])
        zf.writestr("../../evil.wav", wavs[1])
    (root / "corrupt.zip").write_bytes(b"PK\x03\x04 not really")
    pm = _pm(client)
    pid = _api_project(client, pm, "api-zip")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch.zip"}, headers=pm)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["imported"], body["source"]) == (1, "batch.zip")
    assert body["skipped"] == [{"source": "../../evil.wav", "reason": "a path with a '..' "
                                "component in the archive is not unpacked",
                                "code": "entry_dotdot"}]
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "corrupt.zip"}, headers=pm)
    assert r.status_code == 422, r.text
    assert "corrupt.zip is not a readable zip archive" in r.text
    assert str(root) not in r.text and "datamill-zip-" not in r.text
    assert not (tmp_path / "evil.wav").exists() and list(scratch.iterdir()) == []


def test_api_lists_a_folder_link_out_of_the_root_as_skipped(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    """L8: the file link passwd.wav was refused with a reason; the folder link said nothing."""
    root = runtime.settings.resolved_import_root()
    tones(root / "batch", 1)
    tones(tmp_path / "outside", 1, prefix="x")
    (root / "batch" / "passwd.wav").symlink_to("/etc/passwd")
    (root / "batch" / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    tones(root / "batch" / "real", 2, prefix="r")[0].unlink()  # r000 has utt000's bytes
    (root / "batch" / "alias").symlink_to(root / "batch" / "real", target_is_directory=True)
    pm = _pm(client)
    pid = _api_project(client, pm, "api-links")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch"}, headers=pm)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["imported"] == 2  # utt000.wav and real/r001.wav
    assert [e["source"] for e in body["rejections"]] == ["passwd.wav"]
    assert {e["source"]: e["reason"] for e in body["skipped"]} == {
        "escape": "folder link is a symbolic link that points outside the import folder; it is"
                  " not followed",
        "alias": "a symbolic link to a folder is not followed (the files it shows are imported"
                 " where they lie)",
    }
    assert str(tmp_path) not in r.text
