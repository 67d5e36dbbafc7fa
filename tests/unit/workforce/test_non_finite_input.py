"""NaN and Infinity typed as workforce numbers (vendor-manager trial, round h4).

``datamill workforce price-set 2027H1 annotate speech.asr chinese hour NaN --as admin`` died
with ``InvalidOperation`` and a traceback (exit 1), as did Infinity, a fee rate of NaN and
hour points of Infinity: ``Decimal("NaN")`` parses, and the later comparison or rounding
raised. Every workforce number is now refused as invalid input (exit 2), naming the field.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app
from datamill.compliance.models import User
from datamill.runtime import Runtime


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "sNaN", "1e13"])
def test_non_finite_numbers_are_invalid_input(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(app, ["price-set", "2027H1", "annotate", "speech.asr", "chinese", "hour",
                         raw, "--as", "admin", "--json"])
    assert r.exit_code == 2, r.output
    assert "unit_price" in r.output
    r = cli.invoke(app, ["vendor-add", "Acme", "company", "--as", "admin", "--fee-rate", raw,
                         "--agreement", "FA-1", "--json"])
    assert r.exit_code == 2, r.output
