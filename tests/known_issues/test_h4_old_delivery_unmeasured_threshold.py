"""Debt from the unmeasurable-threshold round: a delivery made before the spec change kept its
stored datasheet, whose ``scoring`` said "Accepted by character_accuracy >= 0.9" of a box-only
image project (a metric it has nothing to measure by). New deliveries state such a threshold as
not measured; the old ones still showed it as the acceptance basis in the API, ``delivery show``
and the web deliveries page. Now every face restates it as not measured, as a new sheet does
(the package's checksummed ``datasheet.json`` is left as written)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.compliance.users import add_member
from datamill.production.delivery import get_delivery, list_deliveries
from datamill.production.models import Batch, Delivery
from datamill.production.projects import create_project
from datamill.qc.scoring_sheet import scoring_section
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.known_issues.test_trial_newuser_unmeasured_thresholds import _boxes_only, _store_legacy

if TYPE_CHECKING:
    from datamill.compliance.models import User
    from datamill.runtime import Runtime


def _old_delivery(runtime: Runtime, users: dict[str, User]) -> tuple[int, int]:
    """A box-only image project holding a character_accuracy threshold, and a delivery whose
    sheet was written before such a threshold was stated as not measured."""
    with runtime.session() as s:
        pid = create_project(s, _boxes_only({"region_accuracy": 0.9})).id
        add_member(s, pid, users["pm"], actor_id=None)
    _store_legacy(runtime, pid, {"character_accuracy": 0.9})
    with runtime.session() as s:
        batch = Batch(project_id=pid, name="b1", status="delivered")
        s.add(batch)
        s.flush()
        old = scoring_section([("region_accuracy", 0.9), ("character_accuracy", 0.9)], None)
        d = Delivery(batch_id=batch.id, project_id=pid, path="/gone", formats=["coco"],
                     datasheet={"scoring": old, "language": "en-US"}, delivered_items=2,
                     delivered_volume=2.0)
        s.add(d)
        s.flush()
        return pid, d.id


def test_an_old_delivery_states_the_unmeasurable_threshold_not_measured(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid, delivery_id = _old_delivery(runtime, users)
    with runtime.session() as s:
        for shown in (get_delivery(s, delivery_id), list_deliveries(s, pid)[0]):
            scoring = shown.datasheet["scoring"]
            assert [m["name"] for m in scoring["metrics"]] == ["region_accuracy"]
            assert scoring["not_measured"] == [{"name": "character_accuracy", "threshold": 0.9}]
            assert scoring["statement"] == [
                "Accepted by region_accuracy >= 0.9.",
                "Not measured: character_accuracy (this project has nothing to measure it by; "
                "its threshold 0.9 is no acceptance basis)."]
        stored = s.get(Delivery, delivery_id)
        assert stored is not None  # the record itself is not rewritten
        assert "not_measured" not in stored.datasheet["scoring"]
    client = TestClient(create_app(runtime))
    api = client.get(f"{API}/deliveries/{delivery_id}", headers=login(client, "pm")).json()
    assert "Accepted by character_accuracy" not in json.dumps(api)
    assert api["datasheet"]["scoring"]["not_measured"][0]["name"] == "character_accuracy"
    web_login(client, "pm")
    page = client.get(f"/projects/{pid}/deliveries").text
    assert 'data-testid="dlv-scoring-not-measured"' in page
    client.cookies.set("lang", "zh-CN")
    assert "未测量" in client.get(f"/projects/{pid}/deliveries").text
    from datamill.cli import _common
    from datamill.cli.main import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("COLUMNS", "200")
    text = CliRunner().invoke(app, ["delivery", "show", str(delivery_id), "--as", "pm"])
    assert text.exit_code == 0, text.stdout
    assert "Not measured: character_accuracy" in text.stdout
    assert "Accepted by character_accuracy" not in text.stdout
    as_json = CliRunner().invoke(app, ["delivery", "show", str(delivery_id), "--as", "pm",
                                       "--json"])
    assert "Accepted by character_accuracy" not in as_json.stdout
