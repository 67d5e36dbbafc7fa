"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url

BACKENDS = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI") and pg_url() is None:
        raise pytest.UsageError("CI needs DATAMILL_TEST_PG_URL: run the suite via scripts/test.sh")


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
