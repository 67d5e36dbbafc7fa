"""A trial user opened ``/projects/{id}/listen``, the speech listener's page, for an image
project and got an empty listener's page (200). The loop now offers a verdict's stage only on
projects whose modality's checks may give that verdict (the plugin's ``check_verdicts``, no
modality named in the loop): the page, its claim (web, API, CLI) answer 404 saying the project
has no listening stage; a speech project still has its page."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.modalities.base import check_verdicts_of
from datamill.modalities.registry import get_modality
from datamill.production.hooks import modality_verdict_stages
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import spec
from tests.unit.production.image_helpers import image_spec
from tests.unit.production.test_delivery_rejection import API, _auth


def _projects(runtime: Runtime, users: dict[str, User]) -> tuple[int, int]:
    with runtime.session() as s:
        image = create_project(s, image_spec(name="pics"))
        speech = create_project(s, spec(name="voices", requirements={"read_speech": True}))
        for p in (image, speech):
            for u in users.values():
                add_member(s, p.id, u, actor_id=None)
        return image.id, speech.id


def test_only_a_modality_whose_checks_listen_has_a_listening_stage() -> None:
    assert check_verdicts_of(get_modality("speech.asr")) == ("listen",)
    assert check_verdicts_of(get_modality("image")) == ()
    assert modality_verdict_stages("speech.asr") == ["listen"]
    for name in ("image", "text", "llm", "pointcloud"):
        assert modality_verdict_stages(name) == [], name


def test_an_image_project_has_no_listening_page(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    image, speech = _projects(runtime, users)
    app = create_app(runtime)
    web = TestClient(app)
    web_login(web, "ann1")
    page = web.get(f"/projects/{image}/listen")  # before: 200, an empty listener's page
    assert page.status_code == 404, page.text[:300]
    assert "no listening stage" in page.text
    zh = TestClient(app, headers={"Accept-Language": "zh-CN"})
    web_login(zh, "ann1")
    assert "该项目没有试听环节" in zh.get(f"/projects/{image}/listen").text
    refused = web.post(f"/projects/{image}/listen/next", data={"csrf_token": csrf_of(web)},
                       follow_redirects=False)
    assert refused.status_code == 404, refused.text[:300]
    assert web.get(f"/projects/{speech}/listen").status_code == 200  # speech keeps its page
    api = TestClient(app)
    ann = _auth(api, "ann1")
    claim = api.post(f"{API}/projects/{image}/listen/next", headers=ann)
    assert claim.status_code == 404, claim.text
    assert claim.json()["reason_code"] == "no_listening"
    assert api.post(f"{API}/projects/{speech}/listen/next", headers=ann).status_code in (
        200, 204)
    from datamill.cli import _common
    from datamill.cli.main import app as cli_app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(cli_app, ["qc", "listen-next", str(image), "--as", "ann1", "--json"])
    assert r.exit_code != 0, r.stdout
    assert "no listening stage" in json.loads(r.stdout)["error"]["message"]

