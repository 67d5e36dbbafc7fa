"""``datamill user roles`` prints the permission matrix; ``user create --role`` takes every role."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from datamill.compliance.permissions import matrix_rows
from datamill.compliance.roles import Action, Role
from tests._cli import run_cli


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(home, *args, ok=False, stdin="", columns=400)


def test_roles_json_and_markdown_are_the_matrix(tmp_path: Path) -> None:
    proc = run(tmp_path, "user", "roles", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["roles"] == [r.value for r in Role]
    assert [a["action"] for a in data["actions"]] == [a.value for a in Action]
    cells = {(c["role"], c["action"]): c["scope"] for c in matrix_rows()}
    for (role, action), scope in cells.items():
        assert data["matrix"][role].get(action, "none") == scope, (role, action)
    assert set(data["matrix"]["auditor"].values()) == {"any"}
    assert {a["action"] for a in data["actions"] if a["kind"] == "read"} == set(
        data["matrix"]["auditor"]
    )
    table = run(tmp_path, "user", "roles").stdout.splitlines()
    assert len(table) == 2 + len(Role) and table[0].startswith("| role | manage_users")
    assert "| auditor | – |" in table[2 + list(Role).index(Role.AUDITOR)]


def test_user_create_takes_the_new_roles(tmp_path: Path) -> None:
    for role in ("auditor", "data_security_officer", "vendor_manager", "customer"):
        proc = run(tmp_path, "user", "create", f"u-{role}", "--role", role,
                   "--password", "password1")
        assert proc.returncode == 0, proc.stderr + proc.stdout
    proc = run(tmp_path, "user", "create", "nobody", "--role", "overlord",
               "--password", "password1")
    assert proc.returncode != 0 and "unknown role" in proc.stderr + proc.stdout
