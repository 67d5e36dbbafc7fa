"""Attacker trial (h1), register-in-place:

- a URL row was checked with ``uri.startswith(root + "/")``: ``file:///root/../secret/b.wav``,
  a symbolic link in a ``file://`` root pointing out of it, ``memory://bucket/raw/../private``
  and ``http://host/raw/../private/b.wav`` (fsspec and servers normalise ``..``) and chained
  ``::`` URLs were registered and later served. URLs are now parsed and compared segment by
  segment; ``file://`` rows are resolved and confined like plain rows (``in_place_outside``).
- a registered local file was read as ``Path(source_uri)`` ever after: swapped for a symbolic
  link to a file outside, the checks, the media routes, exports and deliveries read that file.
  Each read now refuses a path with a symbolic link on it (``in_place_moved``).
- ``file://localhost/srv/a.wav`` became the relative path ``localhost/srv/a.wav``: only an empty
  host or ``localhost`` is taken, and the path must be absolute (``file_url_host``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import REASON_WORDS
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.in_place import InPlaceMoved
from datamill.production.media import item_path
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.production.helpers import speech_folder
from tests.unit.production.test_importing import _project


def _items(rt: Runtime, pid: int) -> dict[str, Item]:
    with rt.session() as s:
        return {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}


def test_file_and_memory_urls_are_confined_by_segments_and_real_paths(
    runtime: Runtime, tmp_path: Path
) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 4)
    raw, secret = tmp_path / "raw", tmp_path / "secret"
    raw.mkdir()
    secret.mkdir()
    (raw / "a.wav").write_bytes((src / "utt000.wav").read_bytes())
    (raw / "l.wav").write_bytes((src / "utt002.wav").read_bytes())
    (secret / "b.wav").write_bytes((src / "utt001.wav").read_bytes())
    (raw / "link.wav").symlink_to(secret / "b.wav")
    (tmp_path / "rawer").mkdir()  # a sibling whose name starts like the root's
    (tmp_path / "rawer" / "c.wav").write_bytes((src / "utt001.wav").read_bytes())
    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/raw/m.wav", (src / "utt003.wav").read_bytes())
    fs.pipe("/bucket/private/p.wav", (src / "utt002.wav").read_bytes())
    rows = {
        "a": f"file://{raw}/a.wav",
        "local": f"file://localhost{raw}/l.wav",
        "mem": "memory://bucket/raw/m.wav",
        "dotdot": f"file://{raw}/../secret/b.wav",
        "encoded": f"file://{raw}/%2e%2e/secret/b.wav",
        "symlink": f"file://{raw}/link.wav",
        "sibling": f"file://{raw}er/c.wav",
        "etc": f"file://{raw}/../../../../../../../{secret}/b.wav",
        "memdot": "memory://bucket/raw/../private/p.wav",
        "memenc": "memory://bucket/raw/%2E%2e/private/p.wav",
        "chain": "memory://bucket/raw/x::memory://bucket/private/p.wav",
        "host": "memory://other/raw/p.wav",
        "remote": f"file://fileserver{raw}/a.wav",
    }
    manifest = tmp_path / "drop" / "m.jsonl"
    manifest.parent.mkdir()
    manifest.write_text("".join(f'{{"id": "{k}", "path": "{v}"}}\n' for k, v in rows.items()))
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest, in_place=True,
                               url_roots=(f"file://{raw}", "memory://bucket/raw/"))
    codes = {rows_id: r["code"] for r in report.rejections
             for rows_id in [list(rows)[int(r["source"].split(":")[1]) - 1]]}
    assert report.imported == 3, report.rejections
    assert codes == {"dotdot": "in_place_outside", "encoded": "in_place_outside",
                     "symlink": "in_place_outside", "sibling": "in_place_outside",
                     "etc": "in_place_outside", "memdot": "in_place_outside",
                     "memenc": "in_place_outside", "chain": "in_place_outside",
                     "host": "in_place_outside", "remote": "file_url_host"}
    items = _items(runtime, pid)
    assert set(items) == {"a", "local", "mem"}
    # file://localhost/... is the absolute path, stored as its real path
    assert items["local"].source_uri == f"file://{raw.resolve()}/l.wav"
    assert item_path(runtime.blobs, items["local"]) == raw.resolve() / "l.wav"
    for code in ("in_place_outside", "file_url_host"):
        for lang in ("en", "zh-CN"):
            assert "{source}" in REASON_WORDS[lang][code]
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert (summary.checked, summary.passed) == (3, 3)


def test_an_http_root_refuses_dotdot_rows(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 2)
    site = tmp_path / "site"
    (site / "raw").mkdir(parents=True)
    (site / "private").mkdir()
    (site / "raw" / "a.wav").write_bytes((src / "utt000.wav").read_bytes())
    (site / "private" / "b.wav").write_bytes((src / "utt001.wav").read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        manifest = tmp_path / "m.jsonl"
        manifest.write_text(f'{{"id": "ok", "path": "{base}/raw/a.wav"}}\n'
                            f'{{"id": "esc", "path": "{base}/raw/../private/b.wav"}}\n'
                            f'{{"id": "enc", "path": "{base}/raw/%2e%2e/private/b.wav"}}\n'
                            f'{{"id": "enc2", "path": "{base}/raw/..%2fprivate/b.wav"}}\n')
        with runtime.session() as s:
            report = import_source(s, runtime.blobs, pid, manifest, in_place=True,
                                   url_roots=(f"{base}/raw/",))
        assert report.imported == 1
        assert [r["code"] for r in report.rejections] == ["in_place_outside"] * 3
        with runtime.session() as s:
            summary = run_checks(s, runtime.blobs, pid, workers=1)
        assert summary.passed == 1
    finally:
        srv.shutdown()


def test_a_root_naming_dotdot_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"id": "a", "path": "memory://bucket/a.wav"}\n')
    for root in ("memory://bucket/raw/../", "file://host/srv", "memory://b/x::memory://b/y"):
        with runtime.session() as s, pytest.raises(InvalidInput) as err:
            import_source(s, runtime.blobs, pid, manifest, in_place=True, url_roots=(root,))
        assert err.value.details["reason_code"] == "in_place_root"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_local_file_swapped_for_a_symlink_after_import_is_not_read(
    runtime: Runtime, client: TestClient, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 3)
    drop, secret = tmp_path / "drop", tmp_path / "secret"
    drop.mkdir()
    secret.mkdir()
    (drop / "a.wav").write_bytes((src / "utt000.wav").read_bytes())
    (drop / "b.wav").write_bytes((src / "utt002.wav").read_bytes())
    (secret / "s.wav").write_bytes((src / "utt001.wav").read_bytes())
    (drop / "m.csv").write_text("id,path\na,a.wav\nb,b.wav\n")
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, drop / "m.csv", in_place=True).imported == 2
    (drop / "a.wav").unlink()
    (drop / "a.wav").symlink_to(secret / "s.wav")
    items = _items(runtime, pid)
    with pytest.raises(InPlaceMoved) as err:
        item_path(runtime.blobs, items["a"])
    assert err.value.details["reason_code"] == "in_place_moved"
    assert isinstance(err.value, OSError)  # readers that catch OSError treat it as unreadable
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert (summary.passed, summary.rejected) == (1, 1)
    items = _items(runtime, pid)
    assert items["a"].status == "rejected" and items["a"].sha256 == ""
    # swapped after the checks: the media route refuses it, coded, instead of serving it
    (drop / "b.wav").unlink()
    (drop / "b.wav").symlink_to(secret / "s.wav")
    r = client.get(f"{API}/projects/{pid}/items/{items['b'].id}/media",
                   headers=login(client, "admin"))
    assert r.status_code == 409, r.text
    assert r.json()["reason_code"] == "in_place_moved"
    assert (secret / "s.wav").read_bytes() not in r.content
    web_sign_in(client, "admin")  # the workbench's media route, the same refusal
    for view in ("media", "audio", "peaks"):
        r = client.get(f"/web/api/items/{items['b'].id}/{view}")
        assert r.status_code == 409 and r.json()["reason_code"] == "in_place_moved", (view, r.text)
    # a folder above the file swapped for a link is refused too
    moved = tmp_path / "moved"
    drop.rename(moved)
    drop.symlink_to(moved)
    with pytest.raises(InPlaceMoved):
        item_path(runtime.blobs, items["b"])
