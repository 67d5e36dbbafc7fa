"""Trial h3, round 4: a project manager on the zh-CN import page (and with ``DATAMILL_LANG=zh-CN``
at the CLI) imports point clouds and images with broken files among them. Every refusal was told
in English ("truncated.pcd is truncated: its header declares ...", "x.png: not an image format
Pillow can read"): each file refusal now carries a code and its values (``pc_truncated``,
``img_unknown_format`` ...) and is worded in the reader's language; the English stays the
cell's title and the ``--json`` reason."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.modalities._reason_words_media import MEDIA_REFUSALS_EN, MEDIA_REFUSALS_ZH_CN
from datamill.modalities._reason_words_pointcloud_h4 import POINTCLOUD_H4_REFUSALS_EN
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import write_cloud
from tests._api import web_sign_in
from tests.unit.production.image_helpers import image_spec
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

_SKIP = re.compile(r'<tr data-testid="import-skip"(?: data-code="[a-z_0-9]+")?><td>([^<]+)</td>'
                   r'<td[^>]*>([^<]+)</td>')
_ROW = re.compile(r'<tr data-testid="import-rejection"(?: data-code="([a-z_0-9]+)")?><td>([^<]+)'
                  r'</td><td[^>]*>([^<]+)</td>')


def _upload(rt: Runtime, users: dict[str, User], spec: dict,
            files: dict[str, bytes]) -> dict[str, str]:
    with rt.session() as s:
        pid = create_project(s, spec).id
        add_member(s, pid, users["pm"], actor_id=None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    web = TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"})
    web_sign_in(web, "pm")
    form = web.get(f"/projects/{pid}/import")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text
    page = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf.group(1)},
                    files={"upload": ("batch.zip", buf.getvalue(), "application/zip")}).text
    return {**{src.rsplit("/", 1)[-1]: unescape(said) for _code, src, said in _ROW.findall(page)},
            **{src.rsplit("/", 1)[-1]: unescape(said) for src, said in _SKIP.findall(page)}}


def test_broken_clouds_and_images_are_worded_on_the_zh_page(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    good = write_cloud(np.random.default_rng(1).uniform(-5, 5, (600, 4)).astype(np.float32),
                       tmp_path / "good.pcd").read_bytes()
    head, _, body = good.partition(b"DATA binary\n")
    said = _upload(runtime, users, pointcloud_spec(), {
        "good.pcd": good,
        "truncated.pcd": head + b"DATA binary\n" + body[: len(body) // 2],
        "junk.bin": b"12345",
        "nox.ply": b"ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nend_header\n1\n2\n",
    })
    assert said["truncated.pcd"].startswith("truncated.pcd 已截断：文件头声明 600 个点"), said
    assert said["junk.bin"].startswith("junk.bin 大小为 5 字节，既不是 KITTI 点"), said
    assert said["nox.ply"] == "nox.ply 缺少 y/z 字段（现有字段：x）", said

    said = _upload(runtime, users, image_spec(name="zh-images"), {
        "x.png": b"not an image at all", "readme.txt": b"notes"})
    assert said == {"x.png": "x.png：不是 Pillow 能读取的图像格式",
                    "readme.txt": "不是本项目导入的文件类型（.txt）"}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_cli_words_a_coded_rejection(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    from datamill.cli.data import _rejection_words
    from datamill.config import get_settings

    rejection = {"source": "a.pcd", "reason": "a.pcd: the PCD header has no DATA line",
                 "code": "pc_no_data_line", "file": "a.pcd"}
    monkeypatch.setenv("DATAMILL_LANG", lang)
    get_settings.cache_clear()
    try:
        assert _rejection_words(rejection) == (
            "a.pcd：PCD 文件头缺少 DATA 行" if lang == "zh-CN" else rejection["reason"])
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()


def test_the_cli_import_report_speaks_zh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The report's summary line, tables and reasons under ``DATAMILL_LANG=zh-CN``."""
    from types import SimpleNamespace

    from datamill.cli import data
    from datamill.config import get_settings

    report = SimpleNamespace(
        total=2, imported=0, duplicates=0, rejected=1, import_run_id=7, supplier_vendor_id=None,
        replaced=0, format=None, source=str(tmp_path), rejections=[
            {"source": "a.pcd", "reason": "a.pcd: the PCD header has no DATA line",
             "code": "pc_no_data_line", "file": "a.pcd"}],
        skipped=[{"source": "r.txt", "reason": "not a file this project imports (.txt)",
                  "code": "file_not_taken", "kind": ".txt"}])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    try:
        data.render_import_report(report)
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
    shown = capsys.readouterr().out
    for said in ("共 2 行：导入 0，已存在 0，拒绝 1（导入批次 7）", "导入报告",
                 "a.pcd：PCD 文件头缺少 DATA 行", "未导入：文件夹中的 1 个文件",
                 "不是本项目导入的文件类型（.txt）"):
        assert said in shown, (said, shown)
    assert not re.search(r"\b(imported|rejected|reason|Not imported)\b", shown), shown


def test_every_file_refusal_has_both_languages_and_every_raise_is_coded() -> None:
    assert set(MEDIA_REFUSALS_EN) == set(MEDIA_REFUSALS_ZH_CN)
    src = Path(__file__).resolve().parents[2] / "src" / "datamill" / "modalities"
    cloud = (src / "pointcloud" / "cloud.py").read_text(encoding="utf-8")
    raised = re.findall(r"raise CloudDecodeError\((.*?)\)(?: from err)?\n", cloud, re.S)
    assert raised and all("reason_code=" in r for r in raised), [
        r for r in raised if "reason_code=" not in r]
    codes = set(re.findall(r'reason_code="([a-z_0-9]+)"', cloud))
    image = (src / "image" / "checks.py").read_text(encoding="utf-8")
    codes |= set(re.findall(r'reason_code="([a-z_0-9]+)"', image))
    # the PCD VIEWPOINT refusals are worded in their own module, registered beside these
    worded = set(MEDIA_REFUSALS_EN) | set(POINTCLOUD_H4_REFUSALS_EN)
    assert codes <= worded, codes - worded


@pytest.mark.parametrize(("params", "said"), [
    ({"x": 400, "y": 400, "yaw": 0, "length": 4, "width": 2},
     "框内地面以上没有点；请围绕目标的点画框"),
    ({"x": "a"}, "拟合三维框需要数值 x、y、yaw、length 和 width"),
    ({"x": 0, "y": 0, "yaw": 0, "length": 0, "width": 2},
     "拟合三维框：须为有限数值，且长、宽大于 0、不超过 100 米"),
])
def test_the_workbench_fit_refusals_read_in_zh(tmp_path: Path, params: dict, said: str) -> None:
    """A zh-CN annotator who drew a box where no point stands read "no point stands above the
    ground inside that box ..." in the workbench's status line (the API's detail, English)."""
    from datamill.core.errors import InvalidInput
    from datamill.modalities.problem_words import word_error
    from datamill.modalities.registry import get_modality

    cloud = write_cloud(np.random.default_rng(2).uniform(-5, 5, (600, 4)).astype(np.float32),
                        tmp_path / "f.pcd")
    with pytest.raises(InvalidInput) as caught:
        get_modality("pointcloud").assist("fit_cuboid", cloud, params, pointcloud_spec()[
            "requirements"])
    assert word_error(caught.value.message, caught.value.details, "zh-CN")[0] == said


def test_the_image_grabcut_refusals_read_in_zh(tmp_path: Path) -> None:
    """The image workbench's "box to polygon" on a plain image (nothing found) or off the
    image read English in the zh-CN status line."""
    from PIL import Image

    from datamill.core.errors import InvalidInput
    from datamill.modalities.problem_words import word_error
    from datamill.modalities.registry import get_modality

    path = tmp_path / "plain.png"
    Image.new("RGB", (64, 48), (200, 200, 200)).save(path)
    plugin = get_modality("image")
    for params, said in (({"x": 500, "y": 500, "w": 20, "h": 20}, "框在 64×48 的图像之外"),
                         ({"x": 10, "y": 10, "w": 40, "h": 30}, "框内没有找到对象")):
        with pytest.raises(InvalidInput) as caught:
            plugin.assist("grabcut", path, params)
        assert word_error(caught.value.message, caught.value.details, "zh-CN")[0] == said


def test_a_grabcut_box_too_small_or_malformed_reads_in_zh(tmp_path: Path) -> None:
    """Trial h5: a 2x3 px box drawn with the G tool, a negative corner or too many iterations
    came back as pydantic's English under zh-CN ("框选转多边形：w: Input should be greater
    than or equal to 4"); each is worded now."""
    from PIL import Image

    from datamill.core.errors import InvalidInput
    from datamill.modalities.problem_words import word_error
    from datamill.modalities.registry import get_modality

    path = tmp_path / "plain.png"
    Image.new("RGB", (64, 48), (200, 200, 200)).save(path)
    plugin = get_modality("image")
    for params, said in (
        ({"x": 10, "y": 10, "w": 2, "h": 3}, "框为 2×3 像素：框选转多边形至少需要 4×4 像素"),
        ({"x": -5, "y": 0, "w": 20, "h": 20, "iterations": 99},
         "“x”不能小于 0；“iterations”不能大于 10"),
    ):
        with pytest.raises(InvalidInput) as caught:
            plugin.assist("grabcut", path, params)
        assert word_error(caught.value.message, caught.value.details, "zh-CN")[0] == said
