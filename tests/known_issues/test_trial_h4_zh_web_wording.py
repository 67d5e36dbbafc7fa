"""Trial (Chinese autonomous-driving team, item 3): zh-CN wording on the web pages.

* The point-cloud workbench's panel read "x (m) / y (m) / z (m)" beside "长（米）", and its
  label-points status "unlabeled 93": both come from the catalogue now.
* Half-width brackets "对象 (2)" (image workbench's object count) and a space before a
  full-width bracket "标注结果 （版本 2）": an opening bracket after a word is the language's
  (``sp.lparen_after``: " (" in English, "（" in Chinese).
* «» around labels and texts in the comparisons: the language's quotes (“” in Chinese, as the
  rest of the zh catalogue quotes).
* The project list showed the modality's code ("pointcloud") on a zh-CN page.
* Mixed register ("你的角色不能标注。" beside "您…"): the catalogue mostly says 您 (about 50
  against 24 when counted), so every zh-CN table now does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.cli._words import ZH_CN_CLI
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.modalities.problem_words import REASON_WORDS, ZH_CN_PROBLEMS
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import CATALOGUES, t
from tests._api import web_sign_in as _sign_in
from tests._zh_text import half_width_in_chinese
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

WEB = Path(__file__).resolve().parents[2] / "src" / "datamill" / "web"
#: another helper's templates (point-cloud review and inspection pages): worded there
_ELSEWHERE = {"pointcloud/review.html", "pointcloud/inspection.html"}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_pointcloud_panel_names_metres_and_unlabelled_points_in_the_catalogue() -> None:
    for axis in "xyz":
        assert t(f"pc.field_{axis}", "zh-CN") == f"{axis}（米）"
        assert t(f"pc.field_{axis}", "en") == f"{axis} (m)"
    assert t("pc.unlabeled", "zh-CN") == "未标注"
    panel = (WEB / "static" / "pointcloud" / "panel.js").read_text(encoding="utf-8")
    assert "(m)" not in panel and "'field_x'" in panel
    workbench = (WEB / "static" / "pointcloud" / "workbench.js").read_text(encoding="utf-8")
    assert "this.t('unlabeled')" in workbench
    macro = (WEB / "templates" / "pointcloud" / "_workbench.html").read_text(encoding="utf-8")
    assert "'field_x'" in macro and "'unlabeled'" in macro


def test_brackets_and_quotes_are_the_languages() -> None:
    assert t("image.objects_count", "zh-CN").format(n=2) == "（2）"
    assert t("image.objects_count", "en").format(n=2) == " (2)"
    assert (t("sp.lparen_after", "zh-CN"), t("sp.lparen_after", "en")) == ("（", " (")
    assert (t("sp.lquote", "zh-CN"), t("sp.rquote", "zh-CN")) == ("“", "”")
    panel = (WEB / "static" / "image" / "panel.js").read_text(encoding="utf-8")
    assert "`(${wb.objects.length})`" not in panel and "image.objects_count" in panel
    for path in (WEB / "templates").rglob("*.html"):
        rel = path.relative_to(WEB / "templates").as_posix()
        if rel in _ELSEWHERE:
            continue
        text = path.read_text(encoding="utf-8")
        assert "«" not in text and "»" not in text, rel
        # a space typed before the bracket stays a space before "（" on a Chinese page
        assert not re.search(r"\}\} (<span[^>]*>)?\{\{ t\('sp\.lparen'\) \}\}", text), rel


def test_the_project_list_names_the_modality_in_chinese(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = create_project(s, pointcloud_spec("lidar-list"))
        add_member(s, p.id, users["pm"], actor_id=None)
    _sign_in(client, "pm")
    client.cookies.set("lang", "zh-CN")
    page = client.get("/")  # a project manager's home: the project list
    assert "lidar-list" in page.text, page.text[:300]
    row = re.search(r"lidar-list.*?</tr>", page.text, re.DOTALL).group(0)  # type: ignore[union-attr]
    assert "<td>点云</td>" in row and ">pointcloud<" not in row, row
    client.cookies.set("lang", "en")
    row = re.search(r"lidar-list.*?</tr>", client.get("/").text, re.DOTALL).group(0)  # type: ignore[union-attr]
    assert "<td>pointcloud</td>" in row, row  # English shows the spec's code


def test_every_chinese_table_addresses_the_reader_as_nin() -> None:
    tables = {"web": CATALOGUES["zh-CN"], "reasons": REASON_WORDS["zh-CN"], "cli": ZH_CN_CLI,
              "problems": ZH_CN_PROBLEMS}
    for name, table in tables.items():
        informal = {k: v for k, v in table.items() if "你" in v}
        assert informal == {}, (name, informal)
    assert half_width_in_chinese({k: v for k, v in CATALOGUES["zh-CN"].items()
                                  if k.startswith(("pc.field_", "image.objects_count",
                                                   "sp.lparen_after", "modality."))}) == {}
