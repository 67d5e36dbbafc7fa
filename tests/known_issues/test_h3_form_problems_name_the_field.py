"""A form sent with a field the page's route cannot take (a count that is not a number, a
negative one) answered a page that said only "Invalid input" / "输入无效": it now names each
field and what is wrong with it, in the page's language; by the label the form shows next to
the box ("条数", "Items"), not its HTML name ("accepted_items"), where the form has one."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.form_labels import label_key
from tests.known_issues._web import PASSWORD, csrf_of, web_login


def _message(html: str) -> str:
    m = re.search(r'data-testid="error-message"[^>]*>(.*?)</', html, re.S)
    assert m, html
    return " ".join(m.group(1).split())


def test_a_form_error_names_the_field_and_the_problem(runtime: Runtime) -> None:
    with runtime.session() as s:
        create_user(s, "pm", PASSWORD, "project_manager")
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_login(client, "pm")
    form = {"accepted_items": "twelve", "accepted_volume": "-1", "csrf_token": csrf_of(client)}
    r = client.post("/deliveries/1/accept", data=form, headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 422 and "输入无效" in r.text
    assert _message(r.text) == "“条数”必须是整数；“数量”不能小于 0"
    r = client.post("/deliveries/1/accept", data=form, headers={"Accept-Language": "en"})
    said = _message(r.text)
    assert said.startswith("Items: Input should be a valid integer"), said
    assert "; Volume: Input should be greater than or equal to 0" in said, said
    # a field the form labels nowhere keeps its name; a form elsewhere has labels of its own
    assert label_key("/deliveries/1/accept", "csrf_token") is None
    assert label_key("/deliveries/1/accept-refusing", "refused") == "dlv.refused"
    assert label_key("/deliveries/1/accept/more", "accepted_items") is None
