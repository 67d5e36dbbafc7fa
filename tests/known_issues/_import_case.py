"""Shared bits for the issue-8 import tests: tone WAVs, a project, counts, an API login."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from datamill.production.models import ImportRejection, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec

API = "/api/v1"


def tones(folder: Path, n: int, prefix: str = "utt") -> list[Path]:
    """``n`` distinct, valid 1-second tone WAVs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make_tone(folder / f"{prefix}{i:03d}.wav", freq_hz=200.0 + 37 * i) for i in range(n)]


def project(rt: Runtime, name: str = "issue8") -> int:
    with rt.session() as s:
        return create_project(s, spec(name=name)).id


def item_count(rt: Runtime, project_id: int) -> int:
    with rt.session() as s:
        q = select(func.count()).select_from(Item).where(Item.project_id == project_id)
        return int(s.scalar(q) or 0)


def stored_rejections(rt: Runtime, run_id: int) -> int:
    with rt.session() as s:
        q = select(func.count()).select_from(ImportRejection).where(ImportRejection.import_run_id == run_id)
        return int(s.scalar(q) or 0)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
