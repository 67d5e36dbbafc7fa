"""h4 trial (MEDIUM, the operator): every datamill process brings the database to the latest
schema as it starts, and several started at once after a new datamill was installed (``serve``
workers, CLI jobs, a cron job) each read the schema's version before the first had committed
its migrations, then applied them again: 3 of 4 ``datamill user list`` started together on a
database of the day before stopped with a traceback (``DuplicateColumn`` on PostgreSQL, ``table
... already exists`` / ``no such index`` on SQLite). Now upgrades take a lock first (an advisory
lock on PostgreSQL, an ``flock`` beside the SQLite file): the others wait, then find nothing to
apply (4 of 4 on both, measured by hand)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command

from datamill.db.migrate import alembic_config, schema_heads

UPGRADE = "import sys; from datamill.db.migrate import upgrade_database; upgrade_database(sys.argv[1])"


def test_processes_upgrading_at_once_wait_for_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'datamill.db'}"
    command.upgrade(alembic_config(url), "0001")  # a database from long ago: the core only
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [subprocess.Popen([sys.executable, "-c", UPGRADE, url], env=env,  # noqa: S603
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(3)]
    said = [(p.wait(timeout=300), p.stdout.read().decode() if p.stdout else "") for p in runs]
    assert [code for code, _ in said] == [0, 0, 0], said  # was one 0, the others a traceback
    assert len(schema_heads(url)) > 1  # every domain's head
