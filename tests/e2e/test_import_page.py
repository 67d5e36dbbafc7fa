"""The data-import page in a browser: a PM opens it from the project page, picks a .zip of
recordings made in the test and the collection vendor, imports, and sees the report with the
refused copy and links to the new items; a file over the upload limit is refused by the page
before it is sent, the vendor still chosen."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime
from datamill.testing.synth import espeak_available
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests._tools import require_tool
from tests.e2e.conftest import PASSWORD, serve_in_thread, shot, sign_in
from tests.unit.production.helpers import spec, speech_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime, int, int]]:
    if not espeak_available():
        require_tool("espeak-ng is not installed; scripts/setup.sh installs it")
    from datamill.server import create_app

    rt = make_runtime(tmp_path_factory.mktemp("import-e2e"), "sqlite")
    with rt.session() as s:
        admin = create_user(s, "admin", PASSWORD, "admin")
        pm = create_user(s, "pm", PASSWORD, "project_manager")
        p = create_project(s, spec(name="e2e-import"))
        add_member(s, p.id, pm, actor_id=None)
        v = create_vendor(s, admin, name="Studio North", kind="studio", fee_rate="0.1",
                          agreement_no="FA-1")
        set_vendor_qualified(s, admin, v.id, True, "assessed")
        pid, vid = p.id, v.id
    with serve_in_thread(create_app(rt)) as url:
        yield url, rt, pid, vid
    rt.close()


@pytest.fixture
def ctx(browser: Any, served: tuple[str, Runtime, int, int]) -> Iterator[Any]:
    c = browser.new_context(base_url=served[0], viewport={"width": 1400, "height": 900})
    c.set_default_timeout(30_000)
    yield c
    c.close()


def _archive(tmp: Path) -> Path:
    folder = speech_folder(tmp, 2)
    out = tmp / "delivery.zip"
    with zipfile.ZipFile(out, "w") as z:
        for name in ("utt000.wav", "utt000.txt", "utt001.wav", "utt001.txt"):
            z.write(folder / name, name)
        z.write(folder / "utt000.wav", "zz_copy.wav")
    return out


def test_pm_imports_an_archive_in_the_browser(
    ctx: Any, served: tuple[str, Runtime, int, int], tmp_path: Path
) -> None:
    _, rt, pid, vid = served
    archive = _archive(tmp_path)
    page = sign_in(ctx, "pm")
    page.goto(f"/projects/{pid}")
    page.get_by_test_id("import-link").click()
    page.wait_for_url(f"**/projects/{pid}/import")
    page.get_by_test_id("import-vendor").select_option(str(vid))

    # over the limit: the page refuses it before sending, and the vendor stays chosen
    before = rt.settings.max_upload_bytes
    rt.settings.max_upload_bytes = 1000
    try:
        page.reload()
        page.get_by_test_id("import-vendor").select_option(str(vid))
        page.get_by_test_id("import-file").set_input_files(str(archive))
        page.get_by_test_id("import-submit").click()
        error = page.get_by_test_id("import-error")
        error.wait_for()
        assert "larger than the 1000 B this server accepts" in error.inner_text()
        assert page.get_by_test_id("import-vendor").input_value() == str(vid)
        assert page.url.endswith(f"/projects/{pid}/import")
    finally:
        rt.settings.max_upload_bytes = before
    with rt.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid)).first() is None

    page.reload()
    page.get_by_test_id("import-vendor").select_option(str(vid))
    page.get_by_test_id("import-file").set_input_files(str(archive))
    page.get_by_test_id("import-submit").click()
    report = page.get_by_test_id("import-report")
    report.wait_for()
    assert "2 imported" in page.get_by_test_id("import-summary").inner_text()
    assert "Studio North" in page.get_by_test_id("import-vendor-done").inner_text()
    refused = page.locator("[data-testid=import-rejection][data-code=same_bytes]")
    assert refused.count() == 1 and "zz_copy.wav" in refused.inner_text()
    links = page.locator("[data-testid=import-item] a")
    assert links.count() == 2
    with rt.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid)).all()
        assert sorted(i.external_id for i in items) == ["utt000", "utt001"]
        assert {i.supplier_vendor_id for i in items} == {vid}
    audio = page.request.get(links.first.get_attribute("href") or "")
    assert audio.status == 200 and audio.body()[:4] == b"RIFF"
    assert page.dialogs == []
    shot(page, "project-import")
