"""A new-user trial's finding: a Chinese annotator typed an annotation (a correction, a tool's
parameters, an API body) with the input method's full-width punctuation, ``{“label”：“猫”}``,
and read only "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
which does not say what is wrong with what they see as quotation marks. Where a person's JSON
fails to parse because of full-width punctuation (“ ” ＂ ｛ ｝ ： ， ［ ］, the ideographic space)
the refusal now names the mark and where it is, in English and in Chinese (CLI, API, the
workbench's correction), coded ``json_full_width``; the API's 422 for a body that is not JSON
says it too, and its other validation problems read in Chinese for a Chinese caller."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.jsontext import full_width_mark, json_refusal
from datamill.modalities.problem_words import word_error
from datamill.modalities.registry import get_modality
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run

ZH = {"Accept-Language": "zh-CN"}


def _mark(text: str) -> dict[str, object] | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return full_width_mark(err)
    raise AssertionError(text)


@pytest.mark.parametrize(("text", "char", "column"), [
    ("{“label”: 1}", "“", 2), ('{"a"：1}', "：", 5), ('{"a": ＂x＂}', "＂", 7),
    ('｛"a": 1｝', "｛", 1), ('{"a": 1，"b": 2}', "，", 8), ('{"a": "x”}', "”", 9),
    ('{"a": 1}\u3000', "\u3000", 9), ('["a"］', "］", 5)], ids=repr)
def test_the_full_width_mark_is_found(text: str, char: str, column: int) -> None:
    assert _mark(text) == {"char": char, "line": 1, "column": column}


def test_other_failures_and_quotes_inside_text_are_not_blamed() -> None:
    assert _mark('{"a": }') is None
    assert _mark('{"a": "他说“好”", }') is None  # quotes inside a closed string are text


def test_a_modality_correction_says_so_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as caught:
        get_modality("text").normalize_correction("{“spans”：[]}")  # type: ignore[attr-defined]
    err = caught.value
    assert err.details["reason_code"] == "json_full_width" and err.details["char"] == "“"
    assert "“ at column 2 is full-width punctuation" in err.message
    zh, _ = word_error(err.message, err.details, "zh-CN")
    assert zh.startswith("第 1 行第 2 列的「“」是全角（中文）标点")


def test_json_refusal_keeps_an_other_failure_as_it_was() -> None:
    try:
        json.loads('{"a": }')
    except json.JSONDecodeError as err:
        refusal = json_refusal("bad", err, field="params", reason_code="params_not_json")
    assert refusal.message == "bad" and refusal.details["reason_code"] == "params_not_json"


def test_the_cli_names_the_full_width_quote(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "fw", {"zh1.txt": "张伟在北京工作。"})
    run(home, "data", "check", "fw", "--as", "root", "--json")
    run(home, "work", "package", "fw", "--stage", "annotate", "--as", "root")
    task = json.loads(run(home, "work", "next", "fw", "--as", "root", "--json").stdout)
    typed = tmp_path / "a.json"
    typed.write_text('{“spans”: []}', encoding="utf-8")
    args = ("work", "submit", str(task["id"]), "--base-version", "0", "--annotation", str(typed),
            "--as", "root")
    proc = run(home, *args, ok=False)
    assert proc.returncode == 2
    assert "“ at column 2 is full-width punctuation" in proc.stderr
    error = json.loads(run(home, *args, "--json", ok=False).stdout)["error"]
    assert error["reason_code"] == "json_full_width" and error["column"] == 2
    proc = run(home, *args, ok=False, DATAMILL_LANG="zh-CN")
    assert "第 1 行第 2 列的「“」是全角（中文）标点" in proc.stderr


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_api_names_the_full_width_quote_in_a_body(client: TestClient) -> None:
    headers = {**login(client, "pm"), "Content-Type": "application/json"}
    body = '{“name”: “x”}'.encode()
    en = client.post(f"{API}/projects", content=body, headers=headers).json()
    assert en["code"] == "invalid_input" and en["errors"][0]["type"] == "json_invalid"
    assert "“ at line 1 column 2 is full-width punctuation" in en["detail"]
    zh = client.post(f"{API}/projects", content=body, headers={**headers, **ZH}).json()
    assert zh["detail"].startswith("请求无效：第 1 行第 2 列的「“」是全角（中文）标点")
    assert zh["errors"][0]["message_en"] == en["errors"][0]["message"]
    plain = client.post(f"{API}/projects", content=b'{"name": }', headers=headers).json()
    assert "full-width" not in plain["detail"] and "Expecting value" in plain["detail"]


def test_a_json_spec_typed_with_full_width_quotes_is_named(tmp_path: Path) -> None:
    """YAML read ``{“name”: “x”}`` as a mapping whose key is “name” (then refused it as a
    spec without a name); a JSON spec now names the full-width mark."""
    from datamill.production.spec import read_spec_file

    spec = tmp_path / "spec.json"
    spec.write_text('{\n  “name”: “x”\n}', encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_spec_file(spec)
    assert caught.value.details["reason_code"] == "json_full_width"
    assert caught.value.details["line"] == 2 and caught.value.details["column"] == 3
    (tmp_path / "ok.json").write_text('{"name": "他说“好”"}', encoding="utf-8")
    assert read_spec_file(tmp_path / "ok.json") == {"name": "他说“好”"}
    (tmp_path / "ok.yaml").write_text("name: x  # YAML\n", encoding="utf-8")
    assert read_spec_file(tmp_path / "ok.yaml") == {"name": "x"}
