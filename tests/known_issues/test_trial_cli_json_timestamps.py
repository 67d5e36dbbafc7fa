"""Found in a user trial: some ``--json`` commands wrote timestamps as ``str()`` writes them,
``2026-12-05 16:11:28.185223+00:00`` (``collect invites``, ``collect subjects``), others as
``isoformat()`` (``user list``: ``...+00:00``), while the REST API writes every one as pydantic
does, ``2026-12-05T16:11:28.185223Z``. A script that reads both faces (or splits on ``T``)
broke. Every ``--json`` output now goes through one writer (``_common.json_text``) whose
timestamps read as the API's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests._cli import run_cli as run
from tests.unit.cli._text_project import imported_text_project

#: something that starts as a timestamp does, whichever way it is written
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")

#: (group, command): each prints at least one timestamp over the full demo's home
DEMO_COMMANDS = [
    ("collect", ["collect", "invites", "collection-demo"]),
    ("collect", ["collect", "subjects", "collection-demo"]),
    ("catalog", ["catalog", "list"]),
    ("catalog", ["catalog", "show", "1"]),
    ("catalog", ["catalog", "releases", "1"]),
    ("catalog", ["catalog", "links", "1"]),
    ("ledger", ["ledger", "event-problems"]),
    ("workforce", ["workforce", "vendors"]),
    ("workforce", ["workforce", "settlement-periods"]),
    ("workforce", ["workforce", "procurement", "requests"]),
    ("user", ["user", "list"]),
]


def _stamps(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _stamps(sub, f"{where}.{key}")
    elif isinstance(value, list):
        for n, sub in enumerate(value):
            yield from _stamps(sub, f"{where}[{n}]")
    elif isinstance(value, str) and _STAMP.match(value):
        yield where, value


def _not_as_the_api(text: str) -> list[str]:
    """The timestamps of a command's JSON not written as the API writes them."""
    wrong = []
    for where, stamp in _stamps(json.loads(text)):
        try:
            parsed = datetime.fromisoformat(stamp)
        except ValueError:
            wrong.append(f"{where}={stamp!r} (not ISO 8601)")
            continue
        if "T" not in stamp or parsed.utcoffset() != timedelta(0) or not stamp.endswith("Z"):
            wrong.append(f"{where}={stamp!r}")
    return wrong


def test_demo_json_timestamps_read_as_the_api_writes_them(demo_home: Path) -> None:
    seen: dict[str, int] = {}
    wrong = []
    for group, args in DEMO_COMMANDS:
        proc = run(demo_home, *args, "--as", "admin", "--json")
        seen[group] = seen.get(group, 0) + len(list(_stamps(json.loads(proc.stdout))))
        wrong += [f"{' '.join(args)}: {w}" for w in _not_as_the_api(proc.stdout)]
    assert wrong == []
    assert all(seen.get(g) for g in ("collect", "catalog", "ledger", "workforce", "user")), seen


def test_work_json_timestamps_read_as_the_api_writes_them(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "ts-ner", {"a.txt": "张伟在北京工作。"})
    run(home, "data", "check", "ts-ner", "--as", "root", "--json")
    run(home, "work", "package", "ts-ner", "--stage", "annotate", "--as", "root", "--json")
    task = json.loads(run(home, "work", "next", "ts-ner", "--as", "root", "--json").stdout)
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"spans": [{"start": 0, "end": 2, "label": "PER"}]}),
                      encoding="utf-8")
    saved = run(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
                str(answer), "--as", "root", "--json").stdout
    run(home, "work", "package", "ts-ner", "--stage", "review", "--as", "root", "--json")
    review = run(home, "work", "next", "ts-ner", "--stage", "review", "--as", "root",
                 "--json").stdout
    assert list(_stamps(json.loads(saved))) and list(_stamps(json.loads(review)))
    assert _not_as_the_api(saved) == _not_as_the_api(review) == []


def test_user_json_timestamps_on_each_database(runtime: Runtime, users: dict[str, User],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    made = cli.invoke(app, ["user", "create", "tess", "--role", "annotator", "--password",
                            "password1", "--as", "admin", "--json"])
    listed = cli.invoke(app, ["user", "list", "--as", "admin", "--json"])
    assert made.exit_code == listed.exit_code == 0, made.stdout + listed.stdout
    assert len(list(_stamps(json.loads(listed.stdout)))) == len(users) + 1
    assert _not_as_the_api(made.stdout) == _not_as_the_api(listed.stdout) == []


@dataclass
class _Row:
    at: datetime
    on: date
    amount: Decimal


def test_one_writer_for_every_json_output() -> None:
    at = datetime(2026, 12, 5, 16, 11, 28, tzinfo=UTC)
    shanghai = at.astimezone(timezone(timedelta(hours=8)))
    text = _common.json_text({"row": _Row(at, at.date(), Decimal("1.50")), "local": shanghai,
                              "path": Path("/x")})
    assert json.loads(text) == {
        "row": {"at": "2026-12-05T16:11:28Z", "on": "2026-12-05", "amount": "1.50"},
        "local": "2026-12-06T00:11:28+08:00", "path": "/x"}
    assert _common.json_time(at) == "2026-12-05T16:11:28Z"
