"""Opening the books of a production project classified above the caller (helper h4).

``POST /ledger/projects`` and ``datamill ledger project-open`` name a *production* project by
id (the CLI by name too). A writer of the books not cleared for a ``secret`` project got 403 /
exit 6 "'fin' is not cleared for project 7", where an id never given out got 404 / exit 3: the
answer told which classified projects exist. Now such a project answers as one never created,
word for word (``access.project_to_open``), as the books pages already did for their readers
(``/projects/{id}/finance``; no web page opens books). Someone who writes no books at all is
refused (403 / exit 6) whether or not the project exists, and who is cleared opens the books as
before.

The test counts *leaking pairs*: (face, caller, reference) whose answer for the classified
project differs from the answer for a project never created, after the asked reference is made
neutral.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._probe import MISSING, api_answer, normal
from tests.unit.ledger.helpers import make_approvers, production_project

#: writers of the books at the default clearance: finance, a project manager, a ledger approver
WRITERS = ("fin", "pm", "ap-finance_reviewer")
#: the project's name and a name nobody gave a project
NAMES = ("books-secret", "nowhere-books")


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User],
          monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Two production projects without books, ``books-open`` and ``books-secret`` (classified
    ``secret``); ``fin`` (finance) and the ledger approvers; the CLI on ``runtime``."""
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        make_approvers(s)
        ids = {name: production_project(s, f"books-{name}", "product_development")
               for name in ("open", "secret")}
        set_classification(s, s.get(User, users["admin"].id), ids["secret"], "secret")  # type: ignore[arg-type]
    return ids


@pytest.fixture
def client(runtime: Runtime, world: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _open_api(client: TestClient, headers: dict[str, str], ref: int) -> tuple[int, str]:
    return api_answer(client, headers, "POST", f"{API}/ledger/projects",
                      {"production_project_id": ref}, ref)


def _open_cli(ref: str, caller: str) -> tuple[int, str]:
    """Exit code and neutral ``--json`` error (or result) of ``ledger project-open REF``."""
    r = CliRunner().invoke(cli_app, ["ledger", "project-open", ref, "--as", caller, "--json"])
    got = json.loads(r.stdout)
    error = got.get("error") if isinstance(got, dict) else None
    text = json.dumps(error if error is not None else got, sort_keys=True)
    text = re.sub(rf"'?({re.escape(NAMES[0])}|{re.escape(NAMES[1])})'?", "<name>", text)
    return r.exit_code, normal(text, int(ref)) if ref.isdigit() else text


Leak = tuple[str, str, str, Any, Any]


def leaks(client: TestClient, world: dict[str, int], callers: tuple[str, ...]) -> list[Leak]:
    """(face, caller, reference, answer, missing answer) wherever the two differ."""
    out: list[Leak] = []
    secret = world["secret"]
    for caller in callers:
        got, gone = (_open_api(client, login(client, caller), ref) for ref in (secret, MISSING))
        if got != gone:
            out.append(("api", caller, "id", got, gone))
        for ref, missing in ((str(secret), str(MISSING)), NAMES):
            got, gone = _open_cli(ref, caller), _open_cli(missing, caller)
            if got != gone:
                out.append(("cli", caller, "name" if ref == NAMES[0] else "id", got, gone))
    return out


def test_opening_the_books_of_a_project_above_ones_clearance_answers_as_missing(
    client: TestClient, world: dict[str, int]
) -> None:
    found = leaks(client, world, WRITERS)
    assert not found, f"{len(found)} leaking pairs: {found}"
    fin = login(client, "fin")
    status, body = _open_api(client, fin, world["secret"])
    assert status == 404 and "no project with id <id>" in body, body  # noqa: PLR2004
    code, body = _open_cli(NAMES[0], "fin")
    assert code == 3 and '"not_found"' in body and "no project named <name>" in body, body  # noqa: PLR2004


def test_one_who_writes_no_books_is_refused_whether_or_not_it_exists(
    client: TestClient, world: dict[str, int]
) -> None:
    """An annotator (no ledger access) hears 403 / exit 6 for the classified project and for
    one never created alike: the refusal comes before the project is looked up."""
    assert leaks(client, world, ("ann1",)) == []
    status, _ = _open_api(client, login(client, "ann1"), MISSING)
    assert status == 403  # noqa: PLR2004
    assert _open_cli(str(MISSING), "ann1")[0] == 6  # noqa: PLR2004


def test_who_is_cleared_opens_the_books(client: TestClient, world: dict[str, int]) -> None:
    """The admin opens the secret project's books; finance an open project's, member or not
    (then a second opening is a conflict: 409, exit 4)."""
    r = client.post(f"{API}/ledger/projects", headers=login(client, "admin"),
                    json={"production_project_id": world["secret"]})
    assert r.status_code == 201, r.text  # noqa: PLR2004
    code, body = _open_cli("books-open", "fin")
    assert code == 0, body
    r = client.post(f"{API}/ledger/projects", headers=login(client, "fin"),
                    json={"production_project_id": world["open"]})
    assert r.status_code == 409, r.text  # noqa: PLR2004
