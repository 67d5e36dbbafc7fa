"""The dashboard's progress table counts frames as whole numbers ("6", not "6.000", which reads
as six thousand in many languages); hours keep their decimals."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.test_pointcloud_loop import pointcloud_folder, pointcloud_spec


def test_frames_are_counted_in_whole_numbers(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pointcloud_folder(tmp_path / "in")
    with runtime.session() as s:
        pid = create_project(s, pointcloud_spec()).id
        add_member(s, pid, s.merge(users["pm"]), actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    client = TestClient(create_app(runtime))
    web_login(client, "pm")
    page = client.get(f"/projects/{pid}")
    assert page.status_code == 200, page.text
    cells = re.findall(r'data-testid="progress-volume">([^<]*)<', page.text)
    assert cells and all(c.isdigit() for c in cells), cells
    assert sum(int(c) for c in cells) >= 6
