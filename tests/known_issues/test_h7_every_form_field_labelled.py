"""Every field a person fills in on a page's form has a visible, translated label, and the
page that says what was wrong with a form names the field by that label: a checkbox worded
after its box, a control in a table row named by its ``aria-label``, a field a macro writes
into the form, a group of boxes under a ``<legend>`` were found by none of the label rules, so
their errors named the raw HTML field ("flagged: Input should be a valid boolean")."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.form_labels import form_fields, label_key
from datamill.web.i18n import EN, ZH_CN
from tests.known_issues._web import PASSWORD, csrf_of, web_login


def _sample(pattern: str) -> str:
    """A path or name a form's ``action`` or field name with Jinja in it stands for."""
    return re.sub(r"\{\{.*?\}\}", "7", pattern)


def test_every_form_field_has_a_translated_label_that_names_its_errors() -> None:
    fields = form_fields()
    assert len(fields) > 200  # every template's forms, macros and includes put in place
    unlabelled = [f for f in fields if not f.translated]
    assert unlabelled == [], unlabelled
    # a form the browser posts: its errors name each field by the label's catalogue key
    nameless = [f for f in fields if f.action is not None and f.key is None]
    assert nameless == [], nameless
    for f in fields:
        if f.action is not None:
            assert label_key(_sample(f.action), _sample(f.name)) is not None, f
        if f.key is not None:
            assert f.key in EN and f.key in ZH_CN, f
    for action, name, key in (("/finance/customers/3/credit-grade", "grade", "fin.k.grade"),
                              ("/security/surveying", "project_id", "sec.col.project"),
                              ("/workforce/procurement", "flagged", "pr.flagged_only"),
                              ("/security/subject-erasure", "confirm", "sec.erase_confirm"),
                              ("/corpus", "units", "corpus.units"),
                              ("/packages/4/assign", "user_id", "pm.assignee")):
        assert label_key(action, name) == key, (action, name)


def _message(html: str) -> str:
    m = re.search(r'data-testid="error-message"[^>]*>(.*?)</', html, re.S)
    assert m, html
    return " ".join(m.group(1).split())


def test_a_checkbox_and_a_row_control_are_named_by_their_labels(runtime: Runtime) -> None:
    with runtime.session() as s:
        create_user(s, "pm", PASSWORD, "project_manager")
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_login(client, "pm")
    zh = {"Accept-Language": "zh-CN"}
    r = client.get("/workforce/procurement?flagged=maybe", headers=zh)
    assert r.status_code == 422, r.text
    said = _message(r.text)
    assert "仅显示偏离价格体系超过 10% 的" in said and "flagged" not in said, said
    form = {"grade": "x" * 17, "reason": "late", "csrf_token": csrf_of(client)}
    r = client.post("/finance/customers/1/credit-grade", data=form, headers=zh)
    assert r.status_code == 422, r.text
    said = _message(r.text)
    assert "信用等级" in said and "grade" not in said, said


def test_a_field_no_form_labels_is_named_without_its_request_part(runtime: Runtime) -> None:
    """A page's query parameter that no form labels (the audit page's ``offset``, set by its
    paging links) was named “query.offset” on a Chinese page (the English page dropped the
    "query."): both name it as the link writes it."""
    with runtime.session() as s:
        create_user(s, "adm", PASSWORD, "admin")
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    web_login(client, "adm")
    r = client.get("/audit?offset=abc", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    assert _message(r.text) == "“offset”必须是整数", _message(r.text)
    r = client.get("/audit?offset=abc", headers={"Accept-Language": "en"})
    assert _message(r.text).startswith("offset: Input should be a valid integer"), r.text
