"""The project's data-import page: a project manager uploads a real .zip of recordings made in
the test, names the collection vendor, and sees the report (items imported, each refused file
with its reason, the archive's path tricks not unpacked, links to the new items); the items are
in the database with their vendor. A damaged archive is refused with its message and the form
keeps its choices; an annotator gets the 403 page; the upload limit is the import's own."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.unit.production.helpers import spec, speech_folder


def _project(rt: Runtime, users: dict[str, User]) -> tuple[int, int, int]:
    """A speech project everyone is in, a qualified vendor and an unqualified one."""
    with rt.session() as s:
        p = create_project(s, spec(name="web-import"))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        admin = users["admin"]
        good = create_vendor(s, admin, name="Studio North", kind="studio", fee_rate="0.1",
                             agreement_no="FA-1")
        set_vendor_qualified(s, admin, good.id, True, "assessed")
        bad = create_vendor(s, admin, name="Studio South", kind="studio", fee_rate="0.1",
                            agreement_no="FA-2")
        return p.id, good.id, bad.id


def _archive(tmp: Path) -> bytes:
    """A .zip of two synthesised utterances with their prompts, an exact copy of the first, a
    file that is not audio, and an entry that climbs out of the archive."""
    folder = speech_folder(tmp, 2)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ("utt000.wav", "utt000.txt", "utt001.wav", "utt001.txt"):
            z.write(folder / name, name)
        z.write(folder / "utt000.wav", "zz_copy.wav")
        z.writestr("broken.wav", b"this is not a RIFF file at all" * 10)
        z.writestr("../escape.wav", (folder / "utt001.wav").read_bytes())
    return buf.getvalue()


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_a_pm_imports_an_archive_on_the_web(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, vendor, _ = _project(runtime, users)
    web = TestClient(create_app(runtime))
    web_sign_in(web, "pm")
    assert f'href="/projects/{pid}/import" data-testid="import-link"' in web.get(
        f"/projects/{pid}").text
    form = web.get(f"/projects/{pid}/import")
    assert form.status_code == 200, form.text
    assert 'data-testid="import-vendor"' in form.text and "Studio North" in form.text
    assert "Studio South" not in form.text  # only qualified vendors supply
    data = {"csrf_token": _csrf(form.text), "vendor_id": str(vendor)}
    files = {"upload": ("delivery-1.zip", _archive(tmp_path), "application/zip")}
    assert web.post(f"/projects/{pid}/import", data={**data, "csrf_token": "x"},
                    files=files).status_code == 403  # CSRF like every form

    done = web.post(f"/projects/{pid}/import", data=data, files=files)
    assert done.status_code == 200, done.text
    page = done.text
    assert 'data-testid="import-report"' in page
    with runtime.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.external_id)).all()
        assert [i.external_id for i in items] == ["utt000", "utt001"]
        assert {i.supplier_vendor_id for i in items} == {vendor}
        assert items[0].prompt  # the sidecar prompt came along
    assert "delivery-1.zip: 4 rows, 2 imported, 0 already in the project, 2 refused" in page
    assert "Delivered by Studio North" in page
    rows = re.findall(r'<tr data-testid="import-rejection"( data-code="[a-z_]+")?><td>([^<]+)'
                      r"</td><td[^>]*>([^<]+)</td>", page)
    by_file = {src: (code, reason) for code, src, reason in rows}
    assert set(by_file) == {"broken.wav", "zz_copy.wav"}, rows
    assert by_file["zz_copy.wav"][0] == ' data-code="same_bytes"'
    assert "same bytes as item &#39;utt000&#39;" in by_file["zz_copy.wav"][1]
    assert by_file["broken.wav"][1].strip()  # the modality's reason, as the CLI shows it
    # the archive's path trick is not unpacked, with the archive code's own message
    assert re.search(r"<td>\.\./escape\.wav</td><td>a path with a &#39;\.\.&#39; component in"
                     r" the archive is not unpacked</td>", page), page
    for item in items:
        assert f'href="/web/api/items/{item.id}/media"' in page
        assert web.get(f"/web/api/items/{item.id}/media").status_code == 200
    assert "datamill-upload-" not in page and str(tmp_path) not in page  # no server folder
    # "all items of this import": the items page, filtered by the report's import run
    run = re.search(r'data-import-run="(\d+)"', page)
    assert run, page
    link = f'href="/projects/{pid}/items?import_run={run.group(1)}" data-testid="import-all-items"'
    assert link in page, page
    listed = web.get(f"/projects/{pid}/items?import_run={run.group(1)}").text
    assert 'data-total="2"' in listed and "utt000" in listed and "utt001" in listed

    # the same upload again: everything is already in, nothing new
    again = web.post(f"/projects/{pid}/import", data=data, files=files)
    assert "2 already in the project" in again.text and 'data-testid="import-item"' not in again.text


def test_the_zh_page_words_refusals_and_keeps_the_form(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, vendor, unqualified = _project(runtime, users)
    web = TestClient(create_app(runtime), headers={"Accept-Language": "zh-CN"})
    web_sign_in(web, "pm")
    form = web.get(f"/projects/{pid}/import")
    assert "导入数据" in form.text
    csrf = _csrf(form.text)
    # a damaged archive: refused with the archive code's message (worded), nothing imported,
    # the vendor chosen is still chosen
    damaged = _archive(tmp_path)[:-200]
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf, "vendor_id": str(vendor)},
                 files={"upload": ("delivery-2.zip", damaged, "application/zip")})
    assert r.status_code == 422, r.text
    error = re.search(r'data-testid="import-error">([^<]+)<', r.text)
    assert error and "delivery-2.zip 不是可读取的 zip 压缩包" in error.group(1), r.text
    assert re.search(r"[\u4e00-\u9fff]", error.group(1)) and "：" in error.group(1)
    assert f'<option value="{vendor}" selected>' in r.text
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid)).first() is None
    # what is no archive nor manifest
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf},
                 files={"upload": ("batch.tar", b"not a tar either", "application/x-tar")})
    assert r.status_code == 422 and "batch.tar 既不是 .zip 压缩包" in r.text, r.text
    # no file chosen
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf, "vendor_id": str(vendor)})
    assert r.status_code == 422 and "请选择要导入的文件。" in r.text
    # an unqualified vendor (a tampered form): the service's coded refusal, in Chinese
    good = _archive(tmp_path)
    r = web.post(f"/projects/{pid}/import",
                 data={"csrf_token": csrf, "vendor_id": str(unqualified)},
                 files={"upload": ("delivery-3.zip", good, "application/zip")})
    assert r.status_code == 409 and "不在合格供应商名录中" in r.text, r.text
    # imported: the copy's coded refusal is worded through the catalogue, the stored English
    # kept in its title
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf},
                 files={"upload": ("delivery-3.zip", good, "application/zip")})
    assert r.status_code == 200, r.text
    assert "与条目 utt000 的文件完全相同（字节一致），保留的是该条目" in r.text
    assert 'title="导入记录的原文（英文）：same bytes as item' in r.text


def test_only_who_may_import_sees_the_page(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, _, _ = _project(runtime, users)
    with runtime.session() as s:
        coord = create_user(s, "coord", "password1", "collection_coordinator")
        add_member(s, pid, coord, actor_id=None)
        create_user(s, "outsider", "password1", "project_manager")
        create_user(s, "aud", "password1", "auditor")  # reads every project, writes none
    app = create_app(runtime)
    ann = TestClient(app)
    csrf = web_sign_in(ann, "ann1")
    assert 'data-testid="import-link"' not in ann.get(f"/projects/{pid}").text
    page = ann.get(f"/projects/{pid}/import")
    assert page.status_code == 403 and "<html" in page.text
    r = ann.post(f"/projects/{pid}/import", data={"csrf_token": csrf},
                 files={"upload": ("a.zip", _archive(tmp_path), "application/zip")})
    assert r.status_code == 403
    aud = TestClient(app)
    web_sign_in(aud, "aud")
    assert aud.get(f"/projects/{pid}").status_code == 200
    assert 'data-testid="import-link"' not in aud.get(f"/projects/{pid}").text
    assert aud.get(f"/projects/{pid}/import").status_code == 403
    outsider = TestClient(app)
    web_sign_in(outsider, "outsider")
    assert outsider.get(f"/projects/{pid}/import").status_code == 404  # as a missing project
    # a collection coordinator imports but names no supplier (the business side does)
    co = TestClient(app)
    web_sign_in(co, "coord")
    form = co.get(f"/projects/{pid}/import")
    assert form.status_code == 200 and 'data-testid="import-vendor"' not in form.text
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid)).first() is None


def test_the_upload_limit_is_the_imports_own(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, _, _ = _project(runtime, users)
    archive = _archive(tmp_path)
    runtime.settings.max_request_bytes = 4096  # other forms: far below the archive
    runtime.settings.max_upload_bytes = len(archive) + 4096
    web = TestClient(create_app(runtime))
    csrf = web_sign_in(web, "pm")
    form = web.get(f"/projects/{pid}/import")
    assert f'data-max-bytes="{len(archive) + 4096}"' in form.text
    ok = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf},
                  files={"upload": ("a.zip", archive, "application/zip")})
    assert ok.status_code == 200, ok.text
    big = archive + b"\0" * 8192
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf},
                 files={"upload": ("big.zip", big, "application/zip")})
    assert r.status_code == 413
    assert f"larger than the {len(archive) + 4096:,} bytes this server accepts for an import" in (
        r.text)


def test_the_items_of_one_import_run_by_api_and_cli(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """The report's items, as the page lists them, are one run's: the API's ``import_run``
    filter and the CLI's ``--import-run`` give the same."""
    pid, _, _ = _project(runtime, users)
    root = runtime.settings.resolved_import_root()
    root.mkdir(parents=True, exist_ok=True)
    (root / "first.zip").write_bytes(_archive(tmp_path))
    folder = speech_folder(tmp_path, 3)
    (root / "later").mkdir()
    for name in ("utt002.wav", "utt002.txt"):
        (root / "later" / name).write_bytes((folder / name).read_bytes())
    with TestClient(create_app(runtime)) as api:
        pm = login(api, "pm")
        runs = [api.post(f"{API}/projects/{pid}/imports", json={"path": path}, headers=pm).json()
                for path in ("first.zip", "later")]
        assert [r["imported"] for r in runs] == [2, 1], runs
        for run, expected in zip(runs, (["utt000", "utt001"], ["utt002"]), strict=True):
            got = api.get(f"{API}/projects/{pid}/items", headers=pm,
                          params={"import_run": run["import_run_id"]}).json()
            assert [i["external_id"] for i in got["items"]] == expected
            assert got["total"] == len(expected)
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    out = run_cli(home, "data", "items", str(pid), "--import-run", str(runs[1]["import_run_id"]),
                  "--as", "pm", "--json", DATAMILL_DATABASE_URL=url)
    assert [i["external_id"] for i in json.loads(out.stdout)] == ["utt002"]


def test_a_labelled_archive_imports_with_its_labels(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A Kaldi data directory zipped (wav.scp, text and the recordings) imports with its
    transcripts: a labelled import unpacks an archive as the raw import does (before, it
    looked for wav.scp beside the .zip and refused every upload)."""
    pid, _, _ = _project(runtime, users)
    folder = speech_folder(tmp_path, 2)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ("utt000.wav", "utt001.wav"):
            z.write(folder / name, f"data/{name}")
        z.writestr("data/wav.scp", "utt000 utt000.wav\nutt001 utt001.wav\n")
        z.writestr("data/text", "utt000 hello there\nutt001 good morning\n")
        z.writestr("/etc/cron.d/evil", "* * * * * root true\n")
    web = TestClient(create_app(runtime))
    csrf = web_sign_in(web, "pm")
    form = web.get(f"/projects/{pid}/import")
    assert '<option value="kaldi">kaldi</option>' in form.text
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf, "format": "kaldi"},
                 files={"upload": ("kaldi.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 200, r.text
    assert "2 new items start from their kaldi labels." in r.text
    assert "an absolute path in the archive is not unpacked" in r.text
    with runtime.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.external_id)).all()
        assert [i.external_id for i in items] == ["utt000", "utt001"]
        texts = [s.get(Annotation, i.current_annotation_id).text for i in items]  # type: ignore[union-attr]
        assert texts == ["hello there", "good morning"]
    # an archive that is no Kaldi directory: refused naming the archive, never a server folder
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(folder / "utt000.wav", "utt000.wav")
        z.writestr("notes.txt", "no labels here")
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf, "format": "kaldi"},
                 files={"upload": ("notkaldi.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 422, r.text
    error = re.search(r'data-testid="import-error">([^<]+)<', r.text)
    assert error and "kaldi: notkaldi.zip: no wav.scp" in error.group(1), r.text
    assert "datamill-" not in r.text and '<option value="kaldi" selected>' in r.text


def test_the_page_speaks_of_recordings_only_where_the_project_has_them(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Trial: an image project's import page said "a prompt .txt beside each recording"
    (zh: 每条录音旁放一个同名 .txt), and a superseded item read "superseded by a newer take"
    (zh: 已被新录音替换) whatever the modality."""
    from datamill.core.code_words import STATUS_WORDS
    from tests.unit.production.image_helpers import image_spec

    speech, _, _ = _project(runtime, users)
    with runtime.session() as s:
        image = create_project(s, image_spec(name="web-import-image")).id
        add_member(s, image, users["pm"], actor_id=None)
    web = TestClient(create_app(runtime))
    web_sign_in(web, "pm")
    for lang, recording in (("en", "recording"), ("zh-CN", "录音")):
        web.cookies.set("lang", lang)
        shown = web.get(f"/projects/{image}/import").text
        assert recording not in shown, shown
        assert recording in web.get(f"/projects/{speech}/import").text
    assert "take" not in STATUS_WORDS["en"]["superseded"]
    assert "录音" not in STATUS_WORDS["zh-CN"]["superseded"]
