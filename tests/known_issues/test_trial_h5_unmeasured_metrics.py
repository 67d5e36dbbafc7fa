"""Trial (quality lead, LOW 8): an NER-only text inspection scored ``token_accuracy`` and
``label_accuracy`` 1.0000 with no words or classes to measure, and the page showed them as
measured. They are now "not measured": null in the API's scores (live and completed), "not
measured" on the page and in the CLI, and they judge nothing (a verdict rests on span F1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _inspection,
    _span,
    _text,
    _text_project,
)


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_ner_only_inspection_leaves_token_and_label_accuracy_unmeasured(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    _accept_all(runtime, users, pid)
    insp_id, sample = _inspection(runtime, users, pid)
    auth = login(client, "insp")
    for item_id in sample:
        r = client.post(f"{API}/inspections/{insp_id}/samples/{item_id}/confirm", headers=auth)
        assert r.status_code == 200, r.text
    live = client.get(f"{API}/inspections/{insp_id}/scores", headers=auth).json()
    assert live["span_f1"] == 1.0
    assert live["token_accuracy"] is None and live["label_accuracy"] is None
    _sign_in(client, "insp")
    page = client.get(f"/inspections/{insp_id}").text
    assert 'data-score="token_accuracy" class="muted" data-unmeasured="1">not measured<' in page
    assert 'data-score="label_accuracy" class="muted" data-unmeasured="1">not measured<' in page
    done = client.post(f"{API}/inspections/{insp_id}/complete", headers=auth).json()
    assert done["verdict"] == "accepted", done
    assert done["scores"]["token_accuracy"] is None and done["scores"]["label_accuracy"] is None
    assert done["scores"]["span_f1"] == 1.0
    client.cookies.set("lang", "zh-CN")
    assert "未测量" in client.get(f"/inspections/{insp_id}").text
