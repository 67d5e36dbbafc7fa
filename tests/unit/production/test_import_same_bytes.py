"""Byte-identical files under two names: one item, the other copies refused with a coded reason
naming the item kept (the first already stored, else the first in import order)."""

from __future__ import annotations

import html
import json
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production import importing
from datamill.production.checking import run_checks
from datamill.production.importing import SAME_BYTES, import_source
from datamill.production.models import ImportRejection, Item
from datamill.production.projects import create_project
from datamill.production.schemas import ImportReport
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.cli._text_project import text_spec
from tests.unit.production.helpers import spec, speech_folder


def _folder(tmp: Path, name: str, files: dict[str, str]) -> Path:
    """A folder of speech files: new name -> name of the synthesised utterance copied."""
    src = speech_folder(tmp, 3)
    out = tmp / name
    out.mkdir()
    for new, old in files.items():
        shutil.copyfile(src / f"{old}.wav", out / new)
    return out


def _items(rt: Runtime, pid: int) -> list[tuple[str, str]]:
    with rt.session() as s:
        return [(e, f) for e, f in s.execute(
            select(Item.external_id, Item.filename).where(Item.project_id == pid).order_by(Item.id))]


def _project(rt: Runtime) -> int:
    with rt.session() as s:
        return create_project(s, spec()).id


def test_two_names_same_bytes_keep_the_first_by_name(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    folder = _folder(tmp_path, "in", {"b.wav": "utt000", "a.wav": "utt000", "c.wav": "utt001"})
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected, report.duplicates) == (2, 1, 0)
    assert _items(runtime, pid) == [("a", "a.wav"), ("c", "c.wav")]
    (rej,) = report.rejections
    assert rej["source"] == "b.wav" and rej["code"] == SAME_BYTES and rej["kept"] == "a"
    assert rej["reason"].startswith("same bytes as item 'a' (a.wav), which is kept")
    with runtime.session() as s:  # the stored report says the same
        stored = s.scalars(select(ImportRejection.reason)
                           .where(ImportRejection.import_run_id == report.import_run_id)).all()
    assert stored == [rej["reason"]]


def test_same_name_reimport_stays_idempotent(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    folder = _folder(tmp_path, "in", {"a.wav": "utt000", "b.wav": "utt000", "c.wav": "utt001"})
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        again = import_source(s, runtime.blobs, pid, folder)
    # the kept files are "already present", the copy is refused again, nothing is added
    assert (again.imported, again.duplicates, again.rejected) == (0, 2, 1)
    assert again.rejections[0]["kept"] == "a"
    assert _items(runtime, pid) == [("a", "a.wav"), ("c", "c.wav")]


def test_three_copies_one_item(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    folder = _folder(tmp_path, "in", {"x.wav": "utt002", "y.wav": "utt002", "z.wav": "utt002"})
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (1, 2)
    assert [(r["source"], r["kept"]) for r in report.rejections] == [("y.wav", "x"), ("z.wav", "x")]
    assert _items(runtime, pid) == [("x", "x.wav")]


def test_across_two_runs_the_stored_item_is_kept(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    first = _folder(tmp_path, "one", {"m.wav": "utt000"})
    second = _folder(tmp_path, "two", {"a.wav": "utt000", "n.wav": "utt001"})  # "a" < "m"
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, first)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, second)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.rejections[0]["source"] == "a.wav" and report.rejections[0]["kept"] == "m"
    assert _items(runtime, pid) == [("m", "m.wav"), ("n", "n.wav")]


def test_text_modality_too(runtime: Runtime, tmp_path: Path) -> None:
    """The rule is the loop's: a text project refuses a copy the same way."""
    with runtime.session() as s:
        pid = create_project(s, text_spec("same-bytes-text")).id
    folder = tmp_path / "texts"
    folder.mkdir()
    for name, text in {"p.txt": "北京欢迎你。", "q.txt": "北京欢迎你。", "r.txt": "上海。"}.items():
        (folder / name).write_text(text, encoding="utf-8")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (2, 1)
    assert report.rejections[0]["source"] == "q.txt" and report.rejections[0]["kept"] == "p"


def test_two_imports_at_once_take_the_bytes_once(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Import A has read the project and committed its first file when import B stores the
    same bytes as A's second file under another name; A then refuses its copy (before: both
    were items)."""
    pid = _project(runtime)
    folder_a = _folder(tmp_path, "a", {"a1.wav": "utt001", "a2.wav": "utt000"})
    folder_b = _folder(tmp_path, "b", {"b1.wav": "utt000"})
    monkeypatch.setattr(importing, "_CHUNK", 1)  # A commits after each file
    paused, b_done = threading.Event(), threading.Event()
    seen = [0]
    reports: dict[str, ImportReport] = {}
    errors: list[BaseException] = []

    def progress(_n: int) -> None:
        seen[0] += 1
        if seen[0] == 2:  # A's first file is committed: let B run through, then go on
            paused.set()
            assert b_done.wait(60)

    def run_a() -> None:
        try:
            with runtime.session() as s:
                reports["a"] = import_source(s, runtime.blobs, pid, folder_a, progress=progress)
        except BaseException as err:  # noqa: BLE001 - re-raised by the test
            errors.append(err)
            paused.set()

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert paused.wait(60)
        with runtime.session() as s:
            reports["b"] = import_source(s, runtime.blobs, pid, folder_b)
    finally:
        b_done.set()
        thread.join(60)
    assert not errors, errors
    assert reports["b"].imported == 1
    assert (reports["a"].imported, reports["a"].rejected) == (1, 1)
    assert reports["a"].rejections[0]["source"] == "a2.wav"
    assert reports["a"].rejections[0]["kept"] == "b1"
    assert sorted(_items(runtime, pid)) == [("a1", "a1.wav"), ("b1", "b1.wav")]


def test_imports_checking_at_the_same_moment_do_not_both_insert(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Import A has checked its new file against the project and not yet inserted it when
    import B checks the same bytes: B waits for A's commit (the project's content lock on
    PostgreSQL, the writer lock on SQLite), then refuses its copy. Without the lock both found
    nothing and both inserted."""
    pid = _project(runtime)
    folder_a = _folder(tmp_path, "a", {"a.wav": "utt002"})
    folder_b = _folder(tmp_path, "b", {"b.wav": "utt002"})
    checked, b_done = threading.Event(), threading.Event()
    a_thread: list[int] = []
    reports: dict[str, ImportReport] = {}
    errors: list[BaseException] = []

    def after(_conn: object, _cur: object, statement: str, *_args: object) -> None:
        if threading.get_ident() in a_thread and "sha256 IN" in statement and not checked.is_set():
            checked.set()
            b_done.wait(1.5)  # B gets through unless something holds it back

    def run_a() -> None:
        a_thread.append(threading.get_ident())
        try:
            with runtime.session() as s:
                reports["a"] = import_source(s, runtime.blobs, pid, folder_a)
        except BaseException as err:  # noqa: BLE001 - re-raised by the test
            errors.append(err)
            checked.set()

    def run_b() -> None:
        try:
            with runtime.session() as s:
                reports["b"] = import_source(s, runtime.blobs, pid, folder_b)
        except BaseException as err:  # noqa: BLE001 - re-raised by the test
            errors.append(err)
        b_done.set()

    event.listen(runtime.engine, "after_cursor_execute", after)
    try:
        first = threading.Thread(target=run_a)
        first.start()
        assert checked.wait(60)
        second = threading.Thread(target=run_b)
        second.start()
        first.join(60)
        second.join(60)
    finally:
        event.remove(runtime.engine, "after_cursor_execute", after)
    assert not errors, errors
    assert (reports["a"].imported, reports["b"].imported, reports["b"].rejected) == (1, 0, 1)
    assert reports["b"].rejections[0]["kept"] == "a"
    assert _items(runtime, pid) == [("a", "a.wav")]


def test_cli_json_lists_the_copy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="same-bytes")), encoding="utf-8")
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run_cli(home, "project", "create", str(spec_file), "--as", "root", "--json")
    folder = _folder(tmp_path, "in", {"k.wav": "utt000", "j.wav": "utt000"})
    report = json.loads(run_cli(home, "data", "import", "same-bytes", str(folder), "--as", "root",
                                "--json").stdout)
    assert (report["imported"], report["rejected"]) == (1, 1)
    assert report["rejections"] == [{
        "source": "k.wav", "code": "same_bytes", "kept": "j",
        "reason": report["rejections"][0]["reason"]}]
    assert "same bytes as item 'j' (j.wav)" in report["rejections"][0]["reason"]


def test_in_place_copies_are_set_aside_by_the_checks(runtime: Runtime, tmp_path: Path) -> None:
    """Files registered in place are hashed by the check stage: there the later copy fails
    ``same_bytes`` (the check report counts it), and a recheck keeps the same item."""
    pid = _project(runtime)
    with runtime.session() as s:  # a copied item first: its bytes are known before the check
        import_source(s, runtime.blobs, pid, _folder(tmp_path, "one", {"k.wav": "utt001"}))
    folder = _folder(tmp_path, "in", {"c.wav": "utt000", "d.wav": "utt000", "e.wav": "utt001"})
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder, in_place=True)
    assert (report.imported, report.rejected) == (3, 0)  # nothing is read at an in-place import
    for recheck in (False, True):
        with runtime.session() as s:
            summary = run_checks(s, runtime.blobs, pid, workers=1, recheck=recheck)
        assert summary.by_check.get(SAME_BYTES) == 2, summary
        with runtime.session() as s:
            set_aside = {e: r for e, r in s.execute(
                select(Item.external_id, Item.reject_reasons).where(
                    Item.project_id == pid, Item.status == "rejected"))}
        assert set(set_aside) == {"d", "e"}
        assert set_aside["d"][0].startswith("same_bytes: same bytes as item 'c' (c.wav)")
        assert set_aside["e"][0].startswith("same_bytes: same bytes as item 'k' (k.wav)")


def test_dashboard_names_the_kept_item_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec(name="same-bytes-zh")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    folder = _folder(tmp_path, "in", {"c.wav": "utt000", "d.wav": "utt000"})
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder, in_place=True)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        en = client.get(f"/projects/{pid}", headers={"Accept-Language": "en"})
        client.cookies.set("lang", "zh-CN")
        zh = client.get(f"/projects/{pid}")
    assert en.status_code == zh.status_code == 200
    assert "same_bytes: same bytes as item &#39;c&#39; (c.wav)" in en.text or (
        "same_bytes: same bytes as item 'c' (c.wav)" in html.unescape(en.text))
    assert "与条目 c 的文件完全相同（字节一致），保留的是该条目" in html.unescape(zh.text)


def test_a_copy_of_an_item_set_aside_is_imported_and_checked_again(
    runtime: Runtime, tmp_path: Path
) -> None:
    """An item the checks set aside keeps no place: the same bytes under a new name come in
    (and are checked afresh); a recheck then keeps the item that passed, not the older one."""
    pid = _project(runtime)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, _folder(tmp_path, "one", {"r.wav": "utt000"}))
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        item.status, item.reject_reasons = "rejected", ["check_failed: a server error"]
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, _folder(tmp_path, "two", {"s.wav": "utt000"}))
    assert (report.imported, report.rejected) == (1, 0)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)  # s passes; r stays set aside
        summary = run_checks(s, runtime.blobs, pid, workers=1, recheck=True)
    assert summary.by_check == {SAME_BYTES: 1}
    with runtime.session() as s:
        status = dict(s.execute(select(Item.external_id, Item.status).where(Item.project_id == pid)).all())
    assert status == {"r": "rejected", "s": "passed"}
