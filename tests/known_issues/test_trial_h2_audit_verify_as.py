"""``datamill audit verify`` acts for ``--as USERNAME`` like ``audit list`` and ``audit export``
and is allowed to the audit trail's readers only, as ``GET /audit/verify`` (trial: it took no
``--as``, so anyone with a shell on the installation read the trail's state unchecked); with
``--json`` every answer is JSON, a refusal too."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.users import create_user, deactivate_user
from datamill.runtime import Runtime


def _verify(*args: str) -> tuple[int, dict[str, object]]:
    r = CliRunner().invoke(app, ["audit", "verify", *args, "--json"])
    return r.exit_code, json.loads(r.stdout)


def test_audit_verify_acts_for_a_reader_of_the_trail(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        made = {name: create_user(s, name, "password1", role) for name, role in (
            ("admin", "admin"), ("aud", "auditor"), ("dso", "data_security_officer"),
            ("ann", "annotator"), ("pm", "project_manager"), ("gone", "auditor"))}
        deactivate_user(s, made["gone"], actor_id=made["admin"].id)
    for who in ("admin", "aud", "dso"):
        code, report = _verify("--as", who)
        assert code == 0 and report["ok"] is True, (who, report)
    for who in ("ann", "pm"):
        code, refused = _verify("--as", who)
        assert code == 6, (who, refused)  # noqa: PLR2004 - forbidden
        error = refused["error"]
        assert isinstance(error, dict) and error["code"] == "forbidden", refused
        assert "may not read the audit trail" in str(error["message"])
    code, refused = _verify("--as", "gone")
    assert code == 6 and "deactivated" in json.dumps(refused), refused  # noqa: PLR2004
    code, refused = _verify("--as", "nobody")
    assert code != 0 and "error" in refused, refused
    code, refused = _verify()  # was: no --as at all, and nobody checked
    assert code == 2 and "--as" in json.dumps(refused), refused  # noqa: PLR2004 - usage
