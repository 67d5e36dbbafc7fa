"""A new user's trial (helper h8, round of 2026-12-07): the places where the README and the
commands left a first-time project manager, annotator or customer without the next step."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.production.delivery import record_acceptance
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h4_settlement_by_accepted_volume import (  # noqa: F401
    world,
)


def test_an_acceptance_naming_nothing_says_what_to_give(
    runtime: Runtime, world: dict[str, int], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """``delivery accept ID`` (or ``POST .../acceptance {}``) said only "an acceptance names
    the accepted items and volume (images)": it now names the three answers and what was
    delivered, on every face."""
    d = world["delivery"]
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        record_acceptance(s, d)
    said = str(err.value)
    assert "accept all of it (everything delivered: 5 items, 5 images)" in said, said
    assert "name the refused items" in said
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["delivery", "accept", str(d), "--as", "boss", "--json"])
    assert r.exit_code == 2, r.stdout
    error = json.loads(r.stdout)["error"]
    assert error["delivered_items"] == 5 and "everything delivered" in error["message"]
