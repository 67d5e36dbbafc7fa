"""``datamill data imports`` listed any project's import runs, their server paths included, to
whoever ran it, with no ``--as`` (a trial found it the one data command without one, and the
runs reachable from no other face). It now acts for a person allowed to import into the project
(a non-member is answered as if the project did not exist), and ``GET
/api/v1/projects/{id}/imports`` lists the same runs, naming sources relative to the import root."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.cli.test_cli import run
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


def test_import_runs_are_listed_for_their_managers_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = home / "imports" / "drive"
    points, _ = render_scene(5, objects=2)
    write_cloud(points, src / "f0.bin")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(pointcloud_spec("runs")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "ann", "--role", "annotator", "--password", "password1",
        "--as", "root")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    run(home, "data", "import", "runs", str(src), "--as", "root", "--json")
    listed = json.loads(run(home, "data", "imports", "runs", "--as", "root", "--json").stdout)
    assert [(r["status"], r["imported"]) for r in listed] == [("finished", 1)]
    nobody = run(home, "data", "imports", "runs", "--json", ok=False)
    assert nobody.returncode != 0 and "--as" in json.loads(nobody.stdout)["error"]["message"]
    refused = run(home, "data", "imports", "runs", "--as", "ann", "--json", ok=False)
    assert refused.returncode != 0 and "error" in json.loads(refused.stdout)
    assert str(src) not in refused.stdout

    rt = Runtime.from_settings(Settings(home=home))
    try:
        with TestClient(create_app(rt)) as client:
            token = client.post("/api/v1/auth/token",
                                json={"username": "root", "password": "password1"}).json()
            auth = {"Authorization": f"Bearer {token['access_token']}"}
            pid = listed[0]["project_id"]
            got = client.get(f"/api/v1/projects/{pid}/imports", headers=auth)
            assert got.status_code == 200, got.text
            assert [(r["id"], r["imported"]) for r in got.json()] == [(listed[0]["id"], 1)]
            assert got.json()[0]["source"] == "drive"  # relative to the import root
            token = client.post("/api/v1/auth/token",
                                json={"username": "ann", "password": "password1"}).json()
            other = client.get(f"/api/v1/projects/{pid}/imports",
                               headers={"Authorization": f"Bearer {token['access_token']}"})
            assert other.status_code in (403, 404), other.text
    finally:
        rt.close()
