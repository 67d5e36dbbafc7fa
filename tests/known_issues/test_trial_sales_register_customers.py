"""Trial leftover: a salesperson could not register a customer (``customer-add --as <sales>``
answered "role sales and no ledger approval role"), so sales had to ask finance or a project
manager. Registering the customers they sell to is sales' job (domain §2, §6): the matrix's
``register_customer`` lets sales do it on every face (library rule, CLI, API), while the credit
grade (credit limit and term, §6.7) stays finance's. Sales still write nothing else in the
books."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import create_user, get_user
from datamill.core.errors import Forbidden
from datamill.ledger.access import require_customer_registrar
from datamill.ledger.models import LedgerCustomer
from datamill.runtime import Runtime
from datamill.server import create_app

API = "/api/v1"


@pytest.fixture
def seller(runtime: Runtime, users: dict[str, User]) -> str:
    with runtime.session() as s:
        create_user(s, "sam", "password1", "sales")
        create_user(s, "fran", "password1", "finance")
    return "sam"


def test_matrix_lets_sales_register_customers_not_write_the_books() -> None:
    assert role_scope(Role.SALES, Action.REGISTER_CUSTOMER) is Scope.ANY
    assert role_scope(Role.FINANCE, Action.REGISTER_CUSTOMER) is Scope.ANY
    assert role_scope(Role.PROJECT_MANAGER, Action.REGISTER_CUSTOMER) is Scope.ANY
    assert role_scope(Role.SALES, Action.LEDGER) is Scope.NONE
    assert role_scope(Role.ANNOTATOR, Action.REGISTER_CUSTOMER) is Scope.NONE
    assert role_scope(Role.AUDITOR, Action.REGISTER_CUSTOMER) is Scope.NONE


def test_rule_keeps_the_credit_grade_finance_s(runtime: Runtime, seller: str) -> None:
    with runtime.session() as s:
        sam, fran = get_user(s, seller), get_user(s, "fran")
        require_customer_registrar(s, sam)
        require_customer_registrar(s, fran, "1")
        with pytest.raises(Forbidden, match="credit grade"):
            require_customer_registrar(s, sam, "1")
        with pytest.raises(Forbidden, match="no ledger approval role"):
            require_customer_registrar(s, get_user(s, "ann1"))


def test_cli_sales_registers_a_customer(
    runtime: Runtime, seller: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(app, ["customer-add", "Acme CN", "big_tech", "CN", "--as", seller, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["credit_grade"] == "3"
    r = cli.invoke(app, ["customer-add", "Beta", "big_tech", "CN", "--as", seller,
                         "--credit-grade", "special", "--json"])
    assert r.exit_code == 6, r.output
    assert "credit grade" in r.output
    r = cli.invoke(app, ["customer-add", "Beta", "big_tech", "CN", "--as", "fran",
                         "--credit-grade", "special", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["credit_grade"] == "special"
    # sales still write nothing else in the books: a contract is refused
    r = cli.invoke(app, ["contract-add", "K-1", "1", "--as", seller])
    assert r.exit_code == 6, r.output
    with runtime.session() as s:
        assert [c.name for c in s.scalars(select(LedgerCustomer).order_by(LedgerCustomer.id))] \
            == ["Acme CN", "Beta"]
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.customer.created").order_by(AuditRecord.id)).first()
        assert rec is not None and rec.actor_id == get_user(s, seller).id


def test_api_sales_registers_a_customer(runtime: Runtime, seller: str) -> None:
    with TestClient(create_app(runtime)) as c:
        def token(name: str) -> dict[str, str]:
            r = c.post(f"{API}/auth/token", json={"username": name, "password": "password1"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        sam = token(seller)
        body = {"name": "Gamma", "customer_type": "ai_company", "country": "US"}
        r = c.post(f"{API}/ledger/customers", headers=sam, json=body)
        assert r.status_code == 201, r.text
        assert r.json()["credit_grade"] == "3"
        r = c.post(f"{API}/ledger/customers", headers=sam,
                   json={**body, "name": "Delta", "credit_grade": "1"})
        assert r.status_code == 403, r.text
        assert "credit grade" in r.json()["detail"]
        r = c.post(f"{API}/ledger/customers", headers=token("fran"),
                   json={**body, "name": "Delta", "credit_grade": "1"})
        assert r.status_code == 201, r.text
        r = c.post(f"{API}/ledger/customers", headers=token("ann1"),
                   json={**body, "name": "Eps"})
        assert r.status_code == 403
        assert c.get(f"{API}/ledger/customers", headers=sam).status_code == 200
