"""A delivery package copied elsewhere: ``datamill delivery relocate`` rewrites the absolute
paths inside it (Kaldi ``wav.scp``, the JSONL and Parquet audio paths) to where it lies now and
updates the manifest's sha256 sums; lhotse and HF datasets then read it with the original gone.
The manifest names no server folder (trial: its ``root`` told the customer the server's path):
the old folder is read off the absolute paths that name the package's media files, and a
package whose files name none needs ``--from``; JSON in every case."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_relocate import relocate_package
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import (
    _annotate_and_review,
    _inspect,
    _read_back_with_real_tools,
)


def test_a_moved_package_is_rewritten_for_its_new_place(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        first = Path(deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out").path)
    manifest = json.loads((first / "manifest.json").read_text())
    assert "root" not in manifest and str(tmp_path) not in (first / "manifest.json").read_text()
    moved = tmp_path / "customer" / "dataset v1"
    shutil.copytree(first, moved)
    shutil.rmtree(first)

    result = CliRunner().invoke(app, ["delivery", "relocate", str(moved), "--json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["old_root"] == str(first) and report["new_root"] == str(moved.resolve())
    assert {"kaldi/wav.scp", "hf/data.jsonl", "hf/data.parquet"} <= set(report["files"])
    assert report["replaced"] >= 12  # noqa: PLR2004 - 4 recordings in 3 files
    after = json.loads((moved / "manifest.json").read_text())
    assert "root" not in after  # the customer's own folder is not written down either
    for rel, digest in after["files"].items():
        assert hashlib.sha256((moved / rel).read_bytes()).hexdigest() == digest, rel
    assert str(first) not in (moved / "kaldi" / "wav.scp").read_text()
    _read_back_with_real_tools(moved)
    again = relocate_package(moved)  # nothing left to do
    assert (again.files, again.replaced) == ([], 0)

    # a package written before: its manifest's root (a server path) is neither read nor kept
    older = tmp_path / "older"
    shutil.copytree(moved, older)
    legacy = json.loads((older / "manifest.json").read_text())
    legacy["root"] = "/srv/datamill/deliveries/project-1/b1"
    (older / "manifest.json").write_text(json.dumps(legacy))
    done = relocate_package(older)
    assert done.old_root == str(moved.resolve()) and "kaldi/wav.scp" in done.files
    assert "root" not in json.loads((older / "manifest.json").read_text())
    _read_back_with_real_tools(older)
    # files that name no media file by absolute path do not tell the old folder
    bare = _package(tmp_path / "bare", {"kaldi/wav.scp": "u1 /old/pkg/a.wav\n"})
    refused = CliRunner().invoke(app, ["delivery", "relocate", str(bare), "--json"])
    assert refused.exit_code == 2  # noqa: PLR2004 - invalid input
    assert "--from OLD_FOLDER" in json.loads(refused.stdout)["error"]["message"]
    assert relocate_package(bare, old_root="/old/pkg").files == ["kaldi/wav.scp"]
    with pytest.raises(InvalidInput, match=r"nothing does not exist"):
        relocate_package(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match=r"holds no manifest\.json"):
        relocate_package(tmp_path / "empty")


# ------------------------------------------------------------------ hostile and cut-off packages


def _package(root: Path, files: dict[str, str], **extra: object) -> Path:
    """A hand-made package under ``root`` (``old_root`` tells where it was written)."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    manifest = {"files": {rel: hashlib.sha256(text.encode()).hexdigest()
                                       for rel, text in files.items()}, **extra}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def _sha_ok(pkg: Path) -> None:
    for rel, digest in json.loads((pkg / "manifest.json").read_text())["files"].items():
        assert hashlib.sha256((pkg / rel).read_bytes()).hexdigest() == digest, rel


def test_entries_outside_the_package_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    victim = tmp_path / "outside" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("secret /old/pkg/x\n")
    for bad in ("../outside/victim.txt", str(victim), "kaldi/../../outside/victim.txt"):
        pkg = _package(tmp_path / f"p{len(bad)}", {"kaldi/wav.scp": "u1 /old/pkg/a.wav\n"})
        manifest = json.loads((pkg / "manifest.json").read_text())
        manifest["files"][bad] = "0" * 64
        (pkg / "manifest.json").write_text(json.dumps(manifest))
        before = (pkg / "manifest.json").read_bytes()
        result = CliRunner().invoke(app, ["delivery", "relocate", str(pkg), "--json"])
        assert result.exit_code == 2, result.stdout  # noqa: PLR2004 - invalid input
        assert "not a path inside the package" in json.loads(result.stdout)["error"]["message"]
        assert victim.read_text() == "secret /old/pkg/x\n"
        assert (pkg / "kaldi" / "wav.scp").read_text() == "u1 /old/pkg/a.wav\n"
        assert (pkg / "manifest.json").read_bytes() == before


def test_links_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "d").mkdir(parents=True)
    (outside / "d" / "f.txt").write_text("/old/pkg/x\n")
    (outside / "target").write_text("untouched\n")
    pkg = _package(tmp_path / "pkg", {"kaldi/wav.scp": "u1 /old/pkg/a.wav\n"})
    (pkg / "link").symlink_to(outside / "d")  # a folder link leading out
    manifest = json.loads((pkg / "manifest.json").read_text())
    manifest["files"]["link/f.txt"] = "0" * 64
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    # a planted temporary name pointing out of the package
    (pkg / "kaldi" / ".wav.scp.relocating").symlink_to(outside / "target")
    (pkg / "kaldi" / "wav.scp").chmod(0o600)
    report = relocate_package(pkg, old_root="/old/pkg")
    assert report.files == ["kaldi/wav.scp"]
    assert (outside / "d" / "f.txt").read_text() == "/old/pkg/x\n"
    assert (outside / "target").read_text() == "untouched\n"
    assert not (pkg / "kaldi" / "wav.scp").is_symlink()
    assert (pkg / "kaldi" / "wav.scp").read_text() == f"u1 {pkg.resolve()}/a.wav\n"
    assert (pkg / "kaldi" / "wav.scp").stat().st_mode & 0o777 == 0o600  # permissions kept
    assert not [p for p in (pkg / "kaldi").iterdir() if p.name.endswith(".relocating")
                and not p.is_symlink()]


def test_only_paths_that_start_with_the_old_root_are_rewritten(tmp_path: Path) -> None:
    pkg = _package(tmp_path / "pkg", {
        "kaldi/wav.scp": "u1 /old/pkg/a.wav\nu2 /mnt/old/pkg/b.wav\n",
        "hf/data.jsonl": '{"audio": "/old/pkg/a.wav", "other": "x/old/pkg/b"}\n',
    })
    report = relocate_package(pkg, old_root="/old/pkg")
    new = str(pkg.resolve())
    assert (pkg / "kaldi" / "wav.scp").read_text() == f"u1 {new}/a.wav\nu2 /mnt/old/pkg/b.wav\n"
    row = json.loads((pkg / "hf" / "data.jsonl").read_text())
    assert row == {"audio": f"{new}/a.wav", "other": "x/old/pkg/b"}
    assert report.replaced == 2  # noqa: PLR2004
    _sha_ok(pkg)


def test_json_files_get_the_new_root_escaped_and_unsafe_roots_are_refused(tmp_path: Path) -> None:
    pkg = _package(tmp_path / "we\\ird é" / "pkg",
                   {"hf/data.jsonl": '{"audio": "/old/pkg/a.wav"}\n',
                    "kaldi/wav.scp": "u1 /old/pkg/a.wav\n"})
    relocate_package(pkg, old_root="/old/pkg")
    assert json.loads((pkg / "hf" / "data.jsonl").read_text())["audio"] == f"{pkg.resolve()}/a.wav"
    _sha_ok(pkg)
    for name in ('quo"te', "new\nline", "tab\tbed"):
        bad = _package(tmp_path / name / "pkg", {"kaldi/wav.scp": "u1 /old/pkg/a.wav\n"})
        with pytest.raises(InvalidInput, match="control character or a double quote"):
            relocate_package(bad, old_root="/old/pkg")
        assert (bad / "kaldi" / "wav.scp").read_text() == "u1 /old/pkg/a.wav\n"


def test_a_cut_off_run_is_finished_by_running_it_again(tmp_path: Path) -> None:
    """What a run cut off after its first file leaves: the manifest says a move is under way,
    one file is rewritten (its sha256 in the manifest stale), the others are not."""
    old = tmp_path / "src"
    pkg = old / "copy" / "pkg"  # the new folder lies inside the old one
    new = str(pkg.resolve())
    files = {"a/one.scp": f"u1 {old}/audio/x.wav\n", "b/two.scp": f"u2 {old}/audio/y.wav\n",
             "audio/x.wav": "RIFF", "audio/y.wav": "RIFF"}
    _package(pkg, files, relocating={"from": str(old), "to": new})
    (pkg / "a" / "one.scp").write_text(f"u1 {new}/audio/x.wav\n")  # done before the cut
    report = relocate_package(pkg)
    assert (pkg / "a" / "one.scp").read_text() == f"u1 {new}/audio/x.wav\n"  # not twice
    assert (pkg / "b" / "two.scp").read_text() == f"u2 {new}/audio/y.wav\n"
    assert report.files == ["b/two.scp"]
    manifest = json.loads((pkg / "manifest.json").read_text())
    assert "relocating" not in manifest and "root" not in manifest
    _sha_ok(pkg)  # the file rewritten before the cut has its sha256 again
    assert relocate_package(pkg).replaced == 0  # the folder read off its files: this one


@pytest.mark.parametrize("manifest", ["[]", "null", '{"root": 5, "files": {}}',
                                      '{"files": [1, 2]}', '{"files": "abc"}',
                                      '{"files": {"a": 1}}', '{"root": "/x", "relocating": 3}'])
def test_a_malformed_manifest_is_a_clear_error(tmp_path: Path, manifest: str) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "manifest.json").write_text(manifest)
    result = CliRunner().invoke(app, ["delivery", "relocate", str(pkg), "--json"])
    assert result.exit_code == 2, result.stdout  # noqa: PLR2004 - invalid input
    assert json.loads(result.stdout)["error"]["code"] == "invalid_input"
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(InvalidInput, match="is a file"):
        relocate_package(afile)


def test_a_link_that_loops_is_invalid_input_not_a_crash(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    with pytest.raises(InvalidInput, match="is not a folder"):
        relocate_package(loop)


@pytest.mark.parametrize("rel,text", [
    ("hf/data.jsonl", lambda old: json.dumps({"source": "/raw/audio/u0.wav",
                                              "audio": f"{old}/audio/u1.wav"}) + "\n"),
    ("meta/items.csv", lambda old: f"id,path\nu1,{old}/audio/u1.wav\n"),
    ("kaldi/wav.scp", lambda old: f"u1 {old}/audio/u1.wav\n"),
])
def test_the_old_folder_is_read_off_the_paths_of_the_packages_media(
    tmp_path: Path, rel: str, text: object,
) -> None:
    """Where the manifest names no folder, an absolute path to one of the package's own media
    files tells it (JSON-escaped, with blanks and non-ASCII letters); a path to a file the
    package does not hold (``/raw/audio/u0.wav``) does not."""
    old = "/srv/dé livery/project-1/b1"
    assert callable(text)
    pkg = _package(tmp_path / "pkg", {rel: text(old), "audio/u1.wav": "RIFF"})
    report = relocate_package(pkg)
    assert (report.old_root, report.files, report.replaced) == (old, [rel], 1)
    assert old not in (pkg / rel).read_text(encoding="utf-8")
    assert f"{pkg.resolve()}/audio/u1.wav" in (pkg / rel).read_text(encoding="utf-8")
    _sha_ok(pkg)


def test_a_package_naming_its_media_relatively_has_nothing_to_relocate(tmp_path: Path) -> None:
    """Trial: a copied image package was refused (exit 2) with a hint about kaldi/wav.scp;
    image, point-cloud and text packages name their media relatively: nothing to do, exit 0."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pkg = _package(tmp_path / "image pkg", {
        "coco/annotations.json": json.dumps({"images": [{"id": 1, "file_name": "images/a.png"}],
                                             "info": {"url": "https://example.org/a/b"}}),
        "yolo/labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "images/a.png": "png"})
    pq.write_table(pa.table({"image": ["images/a.png"], "label": ["car/red"]}),
                   pkg / "hf.parquet")
    manifest = json.loads((pkg / "manifest.json").read_text())
    manifest["files"]["hf.parquet"] = hashlib.sha256((pkg / "hf.parquet").read_bytes()).hexdigest()
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    before = {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()}

    result = CliRunner().invoke(app, ["delivery", "relocate", str(pkg), "--json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["nothing_to_relocate"] is True and report["files"] == []
    assert report["replaced"] == 0
    assert {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()} == before  # untouched
    text = CliRunner().invoke(app, ["delivery", "relocate", str(pkg)])
    assert text.exit_code == 0 and "nothing to relocate" in text.stdout
    assert "wav.scp" not in text.stdout
    # an absolute path in a Parquet column that names no media file still needs --from
    pq.write_table(pa.table({"image": ["/old/pkg/images/zz.png"]}), pkg / "hf.parquet")
    manifest["files"]["hf.parquet"] = hashlib.sha256((pkg / "hf.parquet").read_bytes()).hexdigest()
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InvalidInput, match="--from OLD_FOLDER"):
        relocate_package(pkg)
