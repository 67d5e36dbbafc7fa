"""Budget lines typed by a project manager (finance-clerk trial, round h4).

``datamill ledger budget-create 3 lines.json --as pm`` with a quantity of 1e30 died with
``InvalidOperation`` and a traceback (exit 1); a quantity or unit price of 0.00004 was stored
as 0.0000 without a word (a line of 0.00). Both are now invalid input (exit 2), like every
other amount datamill takes: at most 10^12, at most the 4 places a line keeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import ledger_project


@pytest.mark.parametrize(("quantity", "unit_price", "says"), [
    ("1e30", "21", "less than or equal to"),
    ("0.00004", "21", "no more than 4 decimal places"),
    ("10", "0.00004", "no more than 4 decimal places"),
])
def test_budget_lines_out_of_range_are_invalid_input(  # noqa: PLR0913 - the case's fields
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    quantity: str, unit_price: str, says: str,
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        _pp, lp = ledger_project(s, "typed", None, project_type="product_development")
    lines = tmp_path / "lines.json"
    lines.write_text(f'[{{"stage": "annotation", "category": "data_service", '
                     f'"quantity": "{quantity}", "unit_price": "{unit_price}"}}]')
    r = CliRunner().invoke(app, ["budget-create", str(lp), str(lines), "--as", "pm"])
    assert r.exit_code == 2, r.output
    assert says in r.output
