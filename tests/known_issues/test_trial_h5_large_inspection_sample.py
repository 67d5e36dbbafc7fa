"""Trial (quality lead, M1): an inspection could not be completed from the web or the API when a
sampled item's annotation was longer than 100,000 characters (an NER item of "北京"×1500 with
1,500 spans: 116k characters of JSON). Sending the delivered version back was refused (422 "at
most 100000 characters"; the web: "the correction is longer than 100000 characters"), so the
item stayed uncorrected and completing failed. Now the correction may be as long as the
annotation itself (never refused for being as long as the delivered version), and "no change"
confirms a sampled item as delivered on the API, the web and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.inspection import get_inspection, record_correction
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._api import web_sign_in as _sign_in
from tests._cli import run_cli
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _attr,
    _inspection,
    _project,
)
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

REPEATS = 1500


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _large_ner_inspection(runtime: Runtime, users: dict[str, User],
                          folder: Path) -> tuple[int, int, str]:
    """(inspection, its one sampled item, the delivered JSON): "北京"×1500, each a LOC."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lines.txt").write_text("北京" * REPEATS + "\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    requirements = {**TEXT_REQUIREMENTS,
                    "text": {**TEXT_REQUIREMENTS["text"], "max_chars": 2 * REPEATS}}
    spec = {"name": "big-ner", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": requirements}
    pid = _project(runtime, users, spec, prepared.manifest)
    spans = [{"start": 2 * n, "end": 2 * n + 2, "label": "LOC"} for n in range(REPEATS)]
    _annotate_all(runtime, users, pid, {"type": "text_annotation", "schema_version": 1,
                                        "spans": spans})
    _accept_all(runtime, users, pid)
    insp_id, (item_id,) = _inspection(runtime, users, pid)
    with runtime.session() as s:
        delivered = get_inspection(s, insp_id).sample[0]["delivered_text"]
    assert len(delivered) > 100_000
    return insp_id, item_id, delivered


def _corrected(runtime: Runtime, insp_id: int) -> str | None:
    with runtime.session() as s:
        return get_inspection(s, insp_id).sample[0]["corrected_text"]  # type: ignore[no-any-return]


def test_api_takes_the_delivered_version_back_and_confirms_it(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    insp_id, item_id, delivered = _large_ner_inspection(runtime, users, tmp_path)
    auth = login(client, "insp")
    url = f"{API}/inspections/{insp_id}/samples/{item_id}"
    r = client.put(url, json={"corrected_text": delivered}, headers=auth)
    assert r.status_code == 200, r.text[:500]
    assert _corrected(runtime, insp_id) == delivered
    r = client.post(f"{url}/confirm", headers=auth)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["sample"][0]["corrected_text"] == delivered
    r = client.post(f"{API}/inspections/{insp_id}/complete", headers=auth)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["verdict"] == "accepted"
    assert client.post(f"{url}/confirm", headers=auth).status_code == 409  # completed


def test_the_limit_is_the_annotations_own_and_never_below_the_delivered(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    insp_id, item_id, delivered = _large_ner_inspection(runtime, users, tmp_path)
    small = 1000  # a request limit far below the delivered version
    with runtime.session() as s:
        me = s.get(User, users["insp"].id)
        record_correction(s, insp_id, item_id, delivered, me, max_request_bytes=small)
        longer = delivered[:-1] + " " * 10 + "}"  # the same annotation, longer than both
        with pytest.raises(InvalidInput, match=f"at most {len(delivered):,} are accepted"):
            record_correction(s, insp_id, item_id, longer, me, max_request_bytes=small)
        record_correction(s, insp_id, item_id, longer, me, max_request_bytes=len(longer))


def test_web_takes_the_delivered_document_and_confirms_it(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    insp_id, item_id, delivered = _large_ner_inspection(runtime, users, tmp_path)
    csrf = _sign_in(client, "insp")
    r = client.post(f"/web/api/inspections/{insp_id}/samples/{item_id}/annotation",
                    json={"annotation": json.loads(delivered)}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text[:500]
    assert r.json()["scores"]["span_f1"] == 1.0
    page = client.get(f"/inspections/{insp_id}")
    assert f'data-testid="confirm-{item_id}"' in page.text
    token = _attr(page.text, 'name="csrf_token" value')
    r = client.post(f"/inspections/{insp_id}/samples/{item_id}/confirm",
                    data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    assert _corrected(runtime, insp_id) == delivered
    client.cookies.set("lang", "zh-CN")
    assert "无需修改" in client.get(f"/inspections/{insp_id}").text


def test_cli_confirms_a_sample_as_delivered(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    insp_id, item_id, delivered = _large_ner_inspection(runtime, users, tmp_path / "p")
    r = run_cli(runtime.settings.home, "qc", "confirm", str(insp_id), str(item_id),
                "--as", "insp", "--json", DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert json.loads(r.stdout) == {"inspection_id": insp_id, "item_id": item_id,
                                    "confirmed": True}
    assert _corrected(runtime, insp_id) == delivered
    r = run_cli(runtime.settings.home, "qc", "complete", str(insp_id), "--as", "insp", "--json",
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert json.loads(r.stdout)["verdict"] == "accepted"
