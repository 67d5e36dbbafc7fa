"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from datamill.compliance import users as user_service
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from tests import _compiled_cache, _openapi_cache, _route_contexts
from tests._tools import remove_process_folders, require_tool

BACKENDS = ["sqlite", "postgresql"]

#: How datamill hashes passwords: argon2id with RFC 9106's parameters (64 MiB, 3 passes,
#: 4 lanes), 0.2 s of CPU a hash or a check on the test VM. The ``users`` fixture alone made six
#: per test (1,350 tests), the permission matrix eleven (630 tests): a third of the suite's
#: time. Tests run the same argon2id with the cheapest parameters (an encoded hash carries its
#: parameters, so a check follows whichever made it); :func:`production_password_hashing` gives
#: a test production's, and test_password_hashing.py checks them.
PRODUCTION_HASHER = user_service._hasher
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _use_hasher(hasher: PasswordHasher) -> None:
    user_service._hasher = hasher
    user_service._decoy_hash.cache_clear()  # the decoy is made by the hasher in use


#: typer's CliRunner builds the click command tree from the Typer app on every ``invoke``:
#: 0.24 s of CPU for ``datamill``'s (the CLI tests invoke it thousands of times). The tree is
#: built once per app and process here, as a ``datamill`` process builds it once; invocations
#: share no state through it (each parses into a context of its own).
_BUILD_COMMAND = typer.testing._get_command
_built: dict[int, tuple[typer.Typer, Any]] = {}


def _command_once(app: typer.Typer) -> Any:
    hit = _built.get(id(app))
    if hit is None:  # the app is kept, so its id names no other while this lives
        hit = _built[id(app)] = (app, _BUILD_COMMAND(app))
    return hit[1]


def pytest_configure(config: pytest.Config) -> None:
    _use_hasher(TEST_HASHER)
    typer.testing._get_command = _command_once  # type: ignore[assignment]
    _route_contexts.install()  # FastAPI's per-route state: built once per process, not per app
    _openapi_cache.install()  # and the OpenAPI document of the same routes
    _compiled_cache.install()  # SQL compiled once per process, not once per test's engine


@pytest.fixture
def production_password_hashing() -> Iterator[PasswordHasher]:
    """Passwords hashed and checked as datamill does outside the tests, for this test."""
    _use_hasher(PRODUCTION_HASHER)
    yield PRODUCTION_HASHER
    _use_hasher(TEST_HASHER)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave nothing in the temporary folder: the per-process caches of synthesised files and
    the SQLite template database (each xdist worker runs this for its own)."""
    from datamill.testing.fixtures import drop_template

    remove_process_folders()
    drop_template()


#: Modules of long tests that share no module- or session-scoped fixture, run first: xdist
#: hands tests out in collection order, and these (the bench scripts, 10-24 s each, 190 s in
#: all; the schema fuzz, 60 s) came in the last minutes, where one worker could be left running
#: one while the other had nothing left. First, the two workers share them from the start.
RUN_FIRST = ("tests/unit/test_bench_scripts.py::", "tests/unit/api/test_schema_fuzz.py::")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI") and pg_url() is None:
        raise pytest.UsageError("CI needs DATAMILL_TEST_PG_URL: run the suite via scripts/test.sh")
    first = [item for item in items
             if item.nodeid.startswith(RUN_FIRST) and item.get_closest_marker("slow")]
    if first:  # the same order in every xdist worker: a stable partition of the collection
        chosen = {id(item) for item in first}
        items[:] = first + [item for item in items if id(item) not in chosen]


@dataclass(frozen=True)
class DemoRun:
    """What ``datamill demo --fresh --full`` left: its home, its data folder and what it printed."""

    home: Path
    workdir: Path
    stdout: str


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The README's main job, ``datamill demo --fresh --full`` (every project and the money
    story), run as a person runs it (its own process) once per test run: the first xdist worker
    to ask builds it in the folder the workers share, under a lock, and the others wait and read
    it. Read only; :func:`demo_home` is a copy to change."""
    if shutil.which("espeak-ng") is None:
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # .../pytest-N/, above each worker's popen-gwK/
    tmp = shared / "full-demo"
    tmp.mkdir(exist_ok=True)
    printed = tmp / "stdout.txt"
    with (tmp / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not printed.is_file():
            env = {**os.environ, "DATAMILL_HOME": str(tmp / "home"), "COLUMNS": "200"}
            env.pop("DATAMILL_DATABASE_URL", None)
            proc = subprocess.run(  # noqa: S603 - our own CLI
                [sys.executable, "-m", "datamill.cli", "demo", "--fresh", "--full",
                 "--utterances", "4", "--workdir", str(tmp / "data")],
                capture_output=True, text=True, env=env, timeout=1200, cwd=tmp,
            )
            assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
            printed.write_text(proc.stdout, encoding="utf-8")
    return DemoRun(home=tmp / "home", workdir=tmp / "data",
                   stdout=printed.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_home(full_demo: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the full demo's home, this worker's own (tests add users and events to it)."""
    home = tmp_path_factory.mktemp("demo") / "home"
    shutil.copytree(full_demo.home, home)
    return home


@pytest.fixture(params=BACKENDS)
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    """A migrated, empty database + blob store, once per backend."""
    backend = request.param
    if backend == "postgresql" and pg_url() is None:
        pytest.skip("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, backend)
    yield rt
    rt.close()


@pytest.fixture
def sqlite_runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = make_runtime(tmp_path, "sqlite")
    yield rt
    rt.close()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    s = runtime.sessions()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def users(runtime: Runtime) -> dict[str, User]:
    """One user per role, committed: admin, pm, ann1, ann2, rev, insp (password 'password1')."""
    made = {}
    with runtime.session() as s:
        for name, role in [("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator"),
                           ("ann2", "annotator"), ("rev", "reviewer"), ("insp", "inspector")]:
            made[name] = create_user(s, name, "password1", role)
    return made
