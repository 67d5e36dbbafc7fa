"""A small project for the data-security tests, built from production's models directly."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.models import Item, Project


def _bag_field() -> str:
    return "attributes" if hasattr(Item, "attributes") else "meta"


def make_project(s: Session, name: str, members: list[User], items: list[dict[str, Any]]
                 ) -> tuple[int, list[int]]:
    """A project whose items carry ``subject_id``/``prompt`` in their attribute bag."""
    project = Project(name=name, modality="speech.asr", language="zh-CN",
                      project_type="custom_service", data_owner="customer",
                      spec={"stages": ["annotate"]})
    s.add(project)
    s.flush()
    made = []
    for i, extra in enumerate(items):
        fields: dict[str, Any] = {
            "project_id": project.id, "external_id": f"{name}-{i}",
            "sha256": extra.get("sha256", f"{name}-{i}".encode().hex().ljust(64, "0")[:64]),
            "filename": extra.get("filename", f"{i}.wav"), "size_bytes": 100,
            "owner": "customer", "status": "passed",
            _bag_field(): {k: v for k, v in extra.items()
                          if k not in ("filename", "sha256")},
        }
        if hasattr(Item, "prompt") and "prompt" in extra:
            fields["prompt"] = extra["prompt"]
        made.append(Item(**fields))
    s.add_all(made)
    s.flush()
    for u in members:
        add_member(s, project.id, u, actor_id=None)
    return project.id, [i.id for i in made]
