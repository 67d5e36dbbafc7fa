"""The ledger's reads that show money (reports, the journal, quotes, contracts, receivables,
the trace, pending events, plan variance) named nobody: anyone at the server's shell read the
books. Like every ledger write and like ``GET /ledger/...``, each now acts for ``--as
USERNAME`` and refuses a person the permission matrix keeps out of the books (auditors may
read; annotators may not), with a one-line reason (JSON with ``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import budgeted_custom_order

YEAR = ["2018-01-01", "2018-12-31"]


@pytest.fixture
def books(runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
          ) -> dict[str, str]:
    """A contract, an order, its ledger project with an approved budget, and an auditor."""
    with runtime.session() as s:
        contract, lp, budget = budgeted_custom_order(s, "A", "reads-books")
        create_user(s, "aud", "password1", "auditor")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return {"contract": str(contract), "budget": str(budget), "project": str(lp)}


def _reads(ids: dict[str, str], tmp: Path) -> dict[str, list[str]]:
    return {
        "report": ["report", "wip", *YEAR],
        "journal": ["journal", *YEAR, str(tmp / "journal.csv")],
        "event-problems": ["event-problems"],
        "quote": ["quote", ids["budget"], "0.4"],
        "contract-show": ["contract-show", ids["contract"]],
        "receivables": ["receivables", "--as-of", "2018-12-31"],
        "trace": ["trace", "K-A"],
        "line-report": ["line-report", *YEAR],
        "plan variance": ["budget-plan", "variance", ids["project"]],
    }


READS = ["report", "journal", "event-problems", "quote", "contract-show", "receivables",
         "trace", "line-report", "plan variance"]


@pytest.mark.parametrize("read", READS)
def test_a_ledger_read_acts_for_someone_who_may_read_the_books(
    books: dict[str, str], tmp_path: Path, read: str
) -> None:
    args = ["ledger", *_reads(books, tmp_path)[read]]
    cli = CliRunner()
    r = cli.invoke(app, args)  # nobody named: refused by the command line itself
    assert r.exit_code == 2 and "--as" in r.output, r.output

    r = cli.invoke(app, [*args, "--as", "ann1"])
    assert r.exit_code == 6, r.output  # forbidden, in one line that says why
    assert r.output.strip().count("\n") == 0
    assert "'ann1' has role annotator and no ledger approval role" in r.output
    assert "auditors may read it" in r.output
    r = cli.invoke(app, [*args, "--as", "ann1", "--json"])
    assert r.exit_code == 6 and json.loads(r.stdout)["error"]["code"] == "forbidden"
    assert not (tmp_path / "journal.csv").exists()  # a refused export writes nothing

    for reader in ("pm", "aud"):  # the books' keepers and the auditor
        (tmp_path / "journal.csv").unlink(missing_ok=True)  # an output file is never replaced
        r = cli.invoke(app, [*args, "--as", reader, "--json"])
        assert r.exit_code == 0, (reader, r.output)
        json.loads(r.stdout)


def test_the_auditor_still_may_not_write(books: dict[str, str]) -> None:
    r = CliRunner().invoke(app, ["ledger", "customer-add", "B", "big_tech", "CN", "--as", "aud"])
    assert r.exit_code == 6 and "auditors may read it" not in r.output
