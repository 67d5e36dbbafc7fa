"""Refusals a person meets on the catalog forms, the annotation-output ratio's self-test and the
web import page showed in English on zh-CN pages (after "已拒绝：") and in the CLI under
``DATAMILL_LANG=zh-CN``: the services raised them without a ``reason_code``, so the one
registry (:data:`datamill.modalities.problem_words.REASON_WORDS`) could not word them. Now each
carries a code worded in English and zh-CN: a duplicate catalog entry name, an acceptance dated
in the future (and the entry, link, revocation and acceptance refusals beside them), a foreign
item in a self-test's sample, an agreed ratio without its note, a closed project's frozen
budget, and the archive entries the safe unpacker does not unpack (path tricks, links) or an
archive refused whole (too many entries, too large). SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.recognition import close_project
from datamill.modalities._reason_words import ARCHIVE_ENTRY_CODES, CATALOG_CODES, LEDGER_CODES
from datamill.modalities.problem_words import REASON_WORDS
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.known_issues.test_m9_ratio_self_test_faces import world  # noqa: F401 - a fixture
from tests.unit.api.test_web_import import _project as _import_project
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.catalog.test_web_forms import ENTRY, TERMS, ZH, _csrf, _delivered, _post
from tests.unit.ledger.helpers import make_approvers

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _form_error(html: str) -> str:
    found = re.search(r'data-testid="catalog-form-error"[^>]*>(.*?)</', html, re.S)
    assert found, html[-3000:]
    return found.group(1)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


NEW_CODES = (
    "sample_foreign_items", "agreed_ratio_note", "ratio_project_closed", "dataset_exists",
    "dataset_name_form", "dataset_title_missing", "dataset_modality_name", "dataset_languages",
    "band_empty", "price_outside_band", "source_duplicate", "link_hours", "link_downloads",
    "revocation_reason", "revoked_already", "revoked_before_issue", "accepted_already",
    "acceptance_revoked", "acceptance_not_delivered", "acceptance_before_delivery",
    "acceptance_future", "licence_territory_missing", "licence_term_missing",
    "licence_usage_scope_missing", "licence_acceptance_criteria_missing", "licence_number_used",
    "dataset_not_released", "releases_all_withdrawn", "release_other_dataset",
    "licence_price_positive", "licence_fx_rate", "licence_ends_before_issue",
    "licence_end_passed", "licence_same_terms", "batch_custom_data", "batch_not_accepted",
    "batch_modality", "archive_too_many_entries", "archive_too_large", *ARCHIVE_ENTRY_CODES)


def test_every_new_code_is_worded_in_both_languages() -> None:
    assert set(NEW_CODES) - {*CATALOG_CODES, *LEDGER_CODES, *ARCHIVE_ENTRY_CODES} == {
        "archive_too_many_entries", "archive_too_large"}
    for code in NEW_CODES:
        en, zh = REASON_WORDS["en"][code], REASON_WORDS["zh-CN"][code]
        assert en and _HAN.search(zh), code
        # the Chinese in full-width punctuation, and ends with its full stop
        assert not re.search(r"[\u4e00-\u9fff][,:;()?!]|[,:;()?!][\u4e00-\u9fff]", zh), zh
        assert zh.endswith("。"), zh


# --- the catalog forms --------------------------------------------------------------------


def test_a_duplicate_entry_name_is_refused_in_chinese_on_the_page(
    runtime: Runtime, client: TestClient
) -> None:
    people(runtime)
    web_login(client, "pm")
    assert _post(client, "/catalog/datasets", ENTRY).status_code == 303
    again = client.post("/catalog/datasets", headers=ZH,
                        data={**ENTRY, "title": "第二个标题", "csrf_token": _csrf(client)})
    assert again.status_code == 409, again.text
    said = _form_error(again.text)
    assert "名为 th-read 的目录数据集已存在：请换一个名称。" in said, said
    assert "already exists" not in said
    en = client.post("/catalog/datasets", data={**ENTRY, "csrf_token": _csrf(client)})
    assert "already exists" in _form_error(en.text)  # English: the service's own sentence


@pytest.mark.parametrize(("change", "zh"), [
    ({"name": "bad name!"}, "数据集名称须为 1 至 120 个字母"),
    ({"title": " "}, "请填写数据集标题。"),
    ({"modality": "Speech ASR"}, "Speech ASR 不是模态名称。"),
    ({"languages": "english"}, "语言须为 BCP-47 标签"),
    ({"price_low": "500000"}, "价格区间 500000.00..400000.00 为空：下限高于上限。"),
    ({"price": "900000"}, "标准价格 900000.00 超出其价格区间 200000.00..400000.00。"),
])
def test_the_entry_forms_refusals_are_chinese(runtime: Runtime, client: TestClient,
                                             change: dict[str, str], zh: str) -> None:
    people(runtime)
    web_login(client, "pm")
    r = client.post("/catalog/datasets", headers=ZH,
                    data={**ENTRY, **change, "csrf_token": _csrf(client)})
    assert r.status_code == 422, r.text
    said = _form_error(r.text)
    assert zh in said, said


def test_the_cli_words_a_duplicate_entry_name_in_chinese(runtime: Runtime) -> None:
    people(runtime)

    def create(lang: str) -> str:
        r = run_cli(runtime.settings.home, "catalog", "create", "th-read", "--as", "pm",
                    "--title", "Thai read", "--modality", "speech.asr", "--language", "th-TH",
                    ok=False, DATAMILL_DATABASE_URL=str(runtime.settings.database_url),
                    DATAMILL_LANG=lang)
        return r.stdout + (r.stderr or "")

    create("en")
    out = create("zh-CN")
    assert "名为 th-read 的目录数据集已存在" in out and "already exists" not in out, out


def test_an_acceptance_dated_in_the_future_is_refused_in_chinese(
    runtime: Runtime, client: TestClient, tmp_path: Path
) -> None:
    who = people(runtime)
    _, lic_id = _delivered(runtime, who, tmp_path, client)
    web_login(client, "cust")
    future = client.post(f"/catalog/licences/{lic_id}/acceptance", headers=ZH, data={
        "accepted_on": "2999-01-01", "note": "全部文件校验通过", "csrf_token": _csrf(client)})
    assert future.status_code == 422, future.text
    said = _form_error(future.text)
    assert re.search(r"验收须在其发生当日或之后登记：2999-01-01 晚于今天（\d{4}-\d\d-\d\d）。",
                     said), said
    early = client.post(f"/catalog/licences/{lic_id}/acceptance", headers=ZH, data={
        "accepted_on": "2000-01-01", "csrf_token": _csrf(client)})
    assert early.status_code == 422
    assert "验收日期须在交付当日或之后，不能是 2000-01-01。" in _form_error(early.text)
    assert _post(client, f"/catalog/licences/{lic_id}/acceptance", {}).status_code == 303
    # accepted: the page shows no acceptance form any more; the API words a second one
    twice = client.post(f"{API}/catalog/licences/{lic_id}/acceptance", json={},
                        headers={**login(client, "cust"), "Accept-Language": "zh-CN"})
    assert twice.status_code == 409, twice.text
    assert twice.json()["reason_code"] == "accepted_already"
    assert re.fullmatch(r"授权 \S+ 已于 \d{4}-\d\d-\d\d 验收。", twice.json()["detail"]), twice.text


def test_the_revocation_and_link_forms_refuse_in_chinese(
    runtime: Runtime, client: TestClient, tmp_path: Path
) -> None:
    who = people(runtime)
    ds_id, lic_id = _delivered(runtime, who, tmp_path, client)
    web_login(client, "sales")
    page = f"/catalog/{ds_id}"
    r = client.post(f"/catalog/licences/{lic_id}/links", headers=ZH, data={
        "hours": "0", "max_downloads": "3", "csrf_token": _csrf(client, page)})
    assert r.status_code == 422 and "传输链接的有效期为 1 小时至 90 天" in _form_error(r.text)
    r = client.post(f"/catalog/licences/{lic_id}/revocation", headers=ZH, data={
        "reason": " ", "csrf_token": _csrf(client, page)})
    assert r.status_code == 422 and "撤销授权须填写理由。" in _form_error(r.text)
    r = client.post(f"/catalog/licences/{lic_id}/revocation", headers=ZH, data={
        "reason": "未付款", "on": "2000-01-01", "csrf_token": _csrf(client, page)})
    assert r.status_code == 422, r.text
    assert "不能在签发之前的 2000-01-01 撤销" in _form_error(r.text)


@pytest.mark.parametrize(("change", "zh"), [
    ({"territory": " "}, "请填写授权的地域范围。"),
    ({"price": "0"}, "授权价格须为正数。"),
    ({"expires_on": "2001-01-01"}, "授权的截止日期须在签发日（"),
    ({"currency": "USD"}, "以 USD 计价的授权须填写汇率 fx_rate"),
])
def test_the_licence_forms_refusals_are_chinese(
    runtime: Runtime, client: TestClient, tmp_path: Path, change: dict[str, str],
    zh: str | None,
) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    page = f"/catalog/{ds_id}"
    web_login(client, "sales")
    r = client.post(f"{page}/licences", headers=ZH, data={
        "customer_id": str(cust), **TERMS, **change, "csrf_token": _csrf(client, page)})
    assert r.status_code == 422, r.text
    said = _form_error(r.text)
    assert zh in said, said


# --- the annotation-output ratio's self-test ----------------------------------------------


def test_the_ratio_forms_refusals_are_chinese(runtime: Runtime, users: dict[str, User],
                                              world: dict[str, Any]) -> None:  # noqa: F811
    page = f"/projects/{world['pid']}/finance"
    with TestClient(create_app(runtime)) as c:
        web_login(c, "pm")
        token = csrf_of(c)
        c.cookies.set("lang", "zh-CN")
        r = c.post(f"{page}/ratio-tests", data={
            "items": f"{world['items'][0]} 999999", "workers": "ann1", "csrf_token": token})
        assert r.status_code == 422, r.text
        assert "条目 999999 不属于项目" in r.text and "are not items of" not in r.text
        r = c.post(f"{page}/agreed-ratio", data={"ratio": "2", "note": " ",
                                                 "csrf_token": token})
        assert r.status_code == 422, r.text
        assert "请注明标产比的约定出处" in r.text and "say where the ratio" not in r.text
        with runtime.session() as s:
            ap = make_approvers(s)
            review_final_accounts(s, world["lp"], reviewer_id=ap["finance_reviewer"])
            close_project(s, world["lp"], date.today())
        r = c.post(f"{page}/agreed-ratio", data={"ratio": "2", "note": "合同第 3 条",
                                                 "csrf_token": token})
        assert r.status_code == 409, r.text
        assert "其预算已冻结，不能再测算或应用标产比" in r.text, r.text[-3000:]
        assert "its budget is frozen" not in r.text


def test_the_cli_words_the_ratio_refusals_in_chinese(runtime: Runtime,
                                                    world: dict[str, Any]) -> None:  # noqa: F811
    def ratio(*args: str, lang: str = "zh-CN") -> str:
        r = run_cli(runtime.settings.home, "ledger", "ratio-test", *args, "--as", "pm", ok=False,
                    DATAMILL_DATABASE_URL=str(runtime.settings.database_url), DATAMILL_LANG=lang)
        assert r.returncode != 0, r.stdout
        return r.stdout + (r.stderr or "")

    out = ratio("start", str(world["lp"]), "--items", f"{world['items'][0]},999999",
                "--workers", "ann1")
    assert "条目 999999 不属于项目" in out and "are not items of" not in out, out
    out = ratio("agree", str(world["lp"]), "--ratio", "1.8", "--note", " ")
    assert "请注明标产比的约定出处" in out, out
    assert "say where the ratio was agreed" in ratio("agree", str(world["lp"]), "--ratio", "1.8",
                                                     "--note", " ", lang="en")


# --- the web import page: the archive's entries not unpacked --------------------------------


def _tricky_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../escape.wav", b"RIFF")
        z.writestr("/abs/root.wav", b"RIFF")
        link = zipfile.ZipInfo("link.wav")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    return buf.getvalue()


def test_the_import_page_words_entries_not_unpacked_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid, _, _ = _import_project(runtime, users)
    web = TestClient(create_app(runtime), headers={"Accept-Language": "zh-CN"})
    web_sign_in(web, "pm")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     web.get(f"/projects/{pid}/import").text)
    assert csrf
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf.group(1)},
                 files={"upload": ("tricks.zip", _tricky_zip(), "application/zip")})
    assert r.status_code == 200, r.text
    skipped = dict(re.findall(r'data-testid="import-skip" data-code="(\w+)"><td>[^<]*</td><td[^>]*>([^<]+)<',
                              r.text))
    assert skipped == {
        "entry_dotdot": "压缩包中含“..”的路径不会被解压。",
        "entry_absolute": "压缩包中的绝对路径不会被解压。",
        "entry_link": "压缩包中的符号链接不会被解压。"}, r.text[-4000:]
    # an archive refused whole: too many entries
    runtime.settings.max_archive_entries = 2
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf.group(1)},
                 files={"upload": ("tricks.zip", _tricky_zip(), "application/zip")})
    assert r.status_code == 422, r.text
    error = re.search(r'data-testid="import-error">([^<]+)<', r.text)
    assert error and "tricks.zip 含 3 个条目，超过压缩包导入的上限 2" in error.group(1), r.text
    runtime.settings.max_archive_entries = 200_000
    runtime.settings.max_archive_bytes = 5
    r = web.post(f"/projects/{pid}/import", data={"csrf_token": csrf.group(1)},
                 files={"upload": ("tricks.zip", _tricky_zip(), "application/zip")})
    error = re.search(r'data-testid="import-error">([^<]+)<', r.text)
    assert error and "tricks.zip 解压后为 19 字节，超过压缩包导入的上限 5" in error.group(1), r.text
