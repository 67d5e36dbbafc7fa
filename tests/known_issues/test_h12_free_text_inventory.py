"""Helper h12: every free-text field of a request body that one person writes for another to
read (a reason, a note, a comment, a description, a message ...) is checked as a note
(``core.storable.check_note``: a bidi override such as U+202E or a control character is refused
422 naming the field), or is listed below with why not.

Found from the app's OpenAPI document, so a new route or field is covered without anyone
remembering to: each is probed with one request by an admin, a body with its required fields
filled by type (ids that need not exist) and the field set to a text with U+202E, and must
answer 422 naming it. A field whose check comes only after its row is looked up (a 404 first on
an id that does not exist) cannot be probed so cheaply: it is in ``PROVEN_ELSEWHERE`` with the
test that proves it on a real row; ``NOT_PROBED`` lists those still to prove so."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login

#: a field's last name that says free text for another reader (the second line: names that say
#: it less plainly, found by h1 among the long text fields: a licence's terms, a survey ...)
FREE_TEXT = re.compile(r"(^|_)(reason|note|notes|comment|description|remark|message|consent|"
                       r"justification|explanation|memo|"
                       r"usage_scope|acceptance_criteria|terms|market_survey|custom_work|"
                       r"intended_use)$")
BAD = "signed \u202eby the VP"
TESTS = Path(__file__).resolve().parent.parent

#: checked after a row lookup; "METHOD /path field" -> the test (under tests/) proving the 422
PROVEN_ELSEWHERE: dict[str, str] = {
    "POST /prices reason": "known_issues/test_h12_remaining_reasons_are_notes.py",
    # the route asks who may first (404 on an id that does not exist): proven in the service
    "POST /ledger/budgets/{budget_id}/approvals reason":
        "known_issues/test_h12_remaining_reasons_are_notes.py",
    "POST /ledger/costs/{cost_id}/approvals reason":
        "known_issues/test_h12_remaining_reasons_are_notes.py",
    "POST /security/projects/{project_id}/export-assessments notes":
        "known_issues/test_h6_export_notes_read_as_stored.py",
    # on real rows, nothing saved by a refusal (h1)
    "PATCH /catalog/datasets/{dataset_id} description":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/datasets description":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences band_reason":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences/{licence_id}/acceptance note":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences/{licence_id}/rejection reason":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences/{licence_id}/renewal band_reason":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /deliveries/{delivery_id}/acceptance note":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /deliveries/{delivery_id}/rejection reason":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /ledger/costs/{cost_id}/reversal reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /ledger/events/{event_id}/book over_budget_reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /ledger/projects/{project_id}/costs over_budget_reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /ledger/projects/{project_id}/final-review note":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /procurement/budgets/{budget_id}/decision reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /procurement/requests/{request_id}/decision reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /security/batches/{batch_id}/personal-data-release reason":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
    "POST /collect/items/{item_id}/rerecord reason":
        "known_issues/test_h1_free_text_real_rows_work.py",
    "POST /tasks/{task_id}/annotations comment":
        "known_issues/test_h1_free_text_real_rows_work.py",
    "POST /tasks/{task_id}/listen note":
        "known_issues/test_h1_free_text_real_rows_work.py",
    "POST /tasks/{task_id}/review reason":
        "known_issues/test_h1_free_text_real_rows_work.py",
    "POST /tasks/{task_id}/skip reason":
        "known_issues/test_h1_free_text_real_rows_work.py",
    "POST /catalog/licences acceptance_criteria":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences usage_scope":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences/{licence_id}/renewal acceptance_criteria":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /catalog/licences/{licence_id}/renewal usage_scope":
        "known_issues/test_h1_free_text_real_rows.py",
    "POST /ledger/projects/{project_id}/budgets []description":
        "known_issues/test_h1_free_text_real_rows_ledger.py",
}
#: the probe cannot reach the check: the request is refused first (what it answers: 404 for an
#: id that does not exist, 403, or 422 on another field). Whether the service checks the note
#: is NOT proven here; a test on a real row moves an entry to PROVEN_ELSEWHERE (h12 left 20,
#: h1 proved them all on real rows: a new field the probe cannot reach fails the test until a
#: real-row test proves it).
NOT_PROBED: dict[str, str] = {}


def _schema(doc: dict[str, Any], s: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in s:
        s = doc["components"]["schemas"][s["$ref"].rsplit("/", 1)[1]]
    return s


def _is_text(doc: dict[str, Any], s: dict[str, Any]) -> bool:
    s = _schema(doc, s)
    return (s.get("type") == "string" and "enum" not in s) or any(
        _is_text(doc, o) for o in s.get("anyOf", []))


def _sample(doc: dict[str, Any], s: dict[str, Any]) -> Any:  # noqa: PLR0911 - one per type
    """A value of schema ``s`` its validation takes, as little as it can be."""
    s = _schema(doc, s)
    if "enum" in s:
        return s["enum"][0]
    if "anyOf" in s:
        return _sample(doc, next(o for o in s["anyOf"] if o.get("type") != "null"))
    kind = s.get("type")
    if kind == "object":
        return {n: _sample(doc, p) for n, p in s.get("properties", {}).items()
                if n in s.get("required", [])}
    if kind == "array":
        return [_sample(doc, s["items"])] * s.get("minItems", 0)
    if kind == "string":
        fmt = s.get("format", "")
        return {"date": "2020-01-31", "date-time": "2020-01-31T00:00:00Z"}.get(fmt, "x1")
    return {"integer": 9, "number": 1, "boolean": False}.get(kind or "", "x1")


def _fields(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], str]]:
    """"METHOD /path field" -> (method, path, body schema, field) for each free-text field of
    a JSON body's top level: an optional body's too, and each row's of a body that is a list
    ("METHOD /path []field", which the probe cannot send: proven elsewhere; h1)."""
    found = {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = _schema(doc, body["schema"])
            schema = next((_schema(doc, o) for o in schema.get("anyOf", [])
                           if o.get("type") != "null"), schema)  # an optional body
            rows = "[]" if schema.get("type") == "array" else ""
            schema = _schema(doc, schema["items"]) if rows else schema
            for name, prop in schema.get("properties", {}).items():
                if FREE_TEXT.search(name) and _is_text(doc, prop):
                    key = f"{method.upper()} {path.removeprefix(API)} {rows}{name}"
                    found[key] = (method, path, schema, name)
    return found


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def test_every_free_text_field_is_checked_as_a_note(client: TestClient) -> None:
    doc = client.app.openapi()  # type: ignore[attr-defined]
    fields = _fields(doc)
    assert len(fields) > 30, sorted(fields)  # noqa: PLR2004 - the walk found them
    listed = {**PROVEN_ELSEWHERE, **NOT_PROBED}
    assert not set(listed) - set(fields), f"gone, drop them: {sorted(set(listed) - set(fields))}"
    for key, test in PROVEN_ELSEWHERE.items():
        text = (TESTS / test).read_text(encoding="utf-8")
        assert "202e" in text.lower(), (key, test)
    headers = {**login(client, "admin"), "Content-Type": "application/json"}
    unchecked = {}
    for key, (method, path, schema, name) in sorted(fields.items()):
        if key in listed:
            continue
        url = re.sub(r"\{[^}]*\}", "9", path)
        url = url.replace("periods/9", "periods/2020-01").replace("export-rules/9", "export-rules/US")
        body = {**_sample(doc, schema), name: BAD}
        r = client.request(method.upper(), url, content=json.dumps(body), headers=headers)
        said = r.json() if r.headers.get("content-type", "").endswith("json") else {}
        named = {said.get("field"), *(e.get("field") for e in said.get("errors", []))}
        if r.status_code != 422 or not named & {name, f"body.{name}"}:  # noqa: PLR2004
            unchecked[key] = f"{r.status_code} {said.get('reason_code') or said.get('code')}"
    assert not unchecked, json.dumps(unchecked, indent=1)
