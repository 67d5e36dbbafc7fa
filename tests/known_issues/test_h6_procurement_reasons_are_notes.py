"""Helper h6 (security round): a purchase request's deviation reason, back-date reason and
note, and a combination's note, are what its signers read beside the price they approve, yet
they were stored as sent: a right-to-left override (U+202E) made a reason display in another
order than it reads, and control characters passed (every other note one person writes for
another is refused them: ``core.storable.check_note``). Now each is refused 422, naming the
field, on the API as in the library (the CLI's path)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.pricing import set_price
from tests._api import API, login

LINE = {"department": "speech", "kind": "labelling", "stage": "annotate",
        "modality": "speech.asr", "language_group": "chinese", "unit": "hour", "quantity": "10"}
BAD = ("signed \u202eby the VP", "bell \x07")


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    today = business_today()
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        set_price(s, admin, half_year=f"{today.year}H{1 if today.month <= 6 else 2}",  # noqa: PLR2004
                  stage="annotate", modality="speech.asr", language_group="chinese",
                  unit="hour", unit_price="21", reason="price system")
        create_user(s, "pm", "password1", "project_manager")
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def _post(c: TestClient, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    r = c.post(f"{API}{path}", content=json.dumps(body),
               headers={**login(c, "pm"), "Content-Type": "application/json"})
    return r.status_code, r.json()


def test_a_purchase_requests_reasons_refuse_what_would_mislead_its_signers(
        client: TestClient) -> None:
    for field in ("note", "deviation_reason"):
        for text in BAD:
            code, said = _post(client, "/procurement/requests",
                               {**LINE, "unit_price": "40", "deviation_reason": "June quotes",
                                field: text})
            assert code == 422, (field, text, said)  # noqa: PLR2004
            assert said.get("field") == field or field in json.dumps(said), said
    ids = []
    for _ in range(2):
        code, said = _post(client, "/procurement/requests", {**LINE, "note": "two\nlines"})
        assert code == 201, said  # noqa: PLR2004 - tab and line breaks are fine
        ids.append(said["id"])
    code, said = _post(client, "/procurement/requests/combination",
                       {"request_ids": ids, "note": BAD[0]})
    assert code == 422, said  # noqa: PLR2004
