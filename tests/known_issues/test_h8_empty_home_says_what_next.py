"""On a new installation an admin's and a project manager's home page said only "You are not a
member of any project yet." (zh-CN "您还不是任何项目的成员。"): wrong for an admin or an
auditor, who see every project (there are none), and a dead end for whoever may create one, as
no page creates a project. Found signing in to a fresh home as each role (trial h8). Whoever
sees every project now reads that there are no projects yet, and whoever may create one the
command and the API call that do."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests.known_issues._web import visible_text_nodes


def test_an_empty_home_says_there_are_no_projects_and_how_to_make_one(
    sqlite_runtime: Runtime,
) -> None:
    with sqlite_runtime.session() as s:
        for name, role in (("admin", "admin"), ("pm", "project_manager"),
                           ("aud", "auditor")):
            create_user(s, name, "password1", role)
    app = create_app(sqlite_runtime)
    with TestClient(app) as client:
        client.cookies.set("lang", "zh-CN")
        web_sign_in(client, "admin")
        said = " ".join(visible_text_nodes(client.get("/").text))
        assert "还没有任何项目" in said and "您还不是任何项目的成员" not in said, said
        assert "datamill project create" in said and "--as admin" in said, said
        assert "POST /api/v1/projects" in said, said
        client.cookies.set("lang", "en")
        said = " ".join(visible_text_nodes(client.get("/").text))
        assert "There are no projects yet" in said and "datamill project create" in said, said
    with TestClient(app) as client:  # lists their own: "not a member"
        web_sign_in(client, "pm")
        said = " ".join(visible_text_nodes(client.get("/").text))
        assert "not a member of any project" in said, said
        assert "datamill project create spec.yaml --as pm" in said, said
        assert "There are no projects yet" not in said, said
    with TestClient(app) as client:  # sees every project, creates none
        web_sign_in(client, "aud")
        said = " ".join(visible_text_nodes(client.get("/").text))
        assert "There are no projects yet" in said and "project create" not in said, said
