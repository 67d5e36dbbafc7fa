"""Issue 8 §2: one permission model, as data, enforced the same way through the REST API.

* For every role, a representative read and write per domain (production, workforce, ledger,
  audit) answers 2xx or 403 exactly as the matrix says.
* The auditor reads everything (GETs across domains answer 200 without project membership) and
  writes nothing: every write route in the OpenAPI schema answers 403/404 and nothing changes
  (the audit trail, which records every write, does not grow). Only the auditor's own
  credentials (sign in/out, password) are exempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import add_member, create_user
from datamill.ledger.budgets import create_budget
from datamill.ledger.orders import create_customer
from datamill.ledger.projects import open_ledger_project
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified

API = "/api/v1"
WRITES = {"post", "put", "patch", "delete"}
SPEC = {
    "name": "matrix",
    "modality": "speech.asr",
    "language": "en-US",
    "project_type": "product_development",
    "stages": ["annotate", "review"],
    "package_size": 2,
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    "requirements": {},
}
#: the caller's own credentials: not a write on anyone's data
SELF_SERVICE = {
    ("post", "/auth/token"), ("delete", "/auth/token"), ("delete", "/auth/tokens/{token_id}"),
    ("post", "/me/password"),
    # a collection subject's own invitation token (X-Collect-Token), no user credentials at all
    ("post", "/collect/visit/consent"), ("post", "/collect/visit/demographics"),
    ("post", "/collect/visit/prompts/{prompt_id}/recording"),
    # one's own inbox read mark (every account has an inbox: staff hear what waits on them)
    ("post", "/catalog/inbox/read"),
}
# A well-formed body for every write (so that a refusal is about permission, not input). A new
# write route must be added here: the test fails until it is.
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/users"): {"username": "newbie", "password": "password1", "role": "annotator"},
    ("post", "/projects"): {**SPEC, "name": "by-auditor"},
    ("post", "/projects/{project_id}/members"): {"username": "aud"},
    ("patch", "/projects/{project_id}/spec"): {"description": "x"},
    ("post", "/projects/{project_id}/imports"): {"path": "/nonexistent"},
    ("post", "/projects/{project_id}/checks"): {"recheck": False},
    ("post", "/projects/{project_id}/preannotate"): {},
    ("post", "/projects/{project_id}/packages"): {"stage": "annotate"},
    ("post", "/projects/{project_id}/aggregate"): {"method": "majority_vote"},
    ("post", "/packages/{package_id}/assign"): {"username": "aud"},
    ("post", "/projects/{project_id}/tasks/next"): None,
    ("post", "/tasks/{task_id}/annotations"): {"segments": [], "base_version": 0},
    ("put", "/tasks/{task_id}/draft"): {"payload": [], "base_version": 0, "revision": 1},
    ("delete", "/tasks/{task_id}/draft"): None,
    ("post", "/tasks/{task_id}/review"): {"verdict": "pass"},
    ("post", "/tasks/{task_id}/skip"): {"reason": "cannot hear it"},
    ("post", "/items/{item_id}/assist/{tool}"): {"objects": []},
    ("post", "/tasks/{task_id}/listen"): {"reads_prompt": True},
    ("post", "/projects/{project_id}/listen/next"): None,
    ("post", "/projects/{project_id}/prompt-check/calibrations"): {
        "clips": [{"item": "a", "label": "good"}, {"item": "b", "label": "bad"}],
    },
    ("put", "/projects/{project_id}/speakers"): {"speakers": [{"code": "A"}]},
    ("post", "/corpus/select"): {"lang": "en", "n": 1, "sentences": ["hello there"]},
    ("post", "/collect/projects/{project_id}/consent-texts"): {"text": "I agree."},
    ("post", "/collect/projects/{project_id}/invites"): {"subject_id": "s-1"},
    ("post", "/collect/projects/{project_id}/prompts"): {"prompts": ["hello there"]},
    ("post", "/collect/invites/{invite_id}/revoke"): None,
    ("post", "/collect/items/{item_id}/rerecord"): {"reason": "recording: noisy"},
    ("post", "/collect/projects/{project_id}/subjects/reset-demographics"): {"subject_id": "s-1"},
    ("post", "/projects/{project_id}/batches"): {},
    ("post", "/batches/{batch_id}/inspections"): None,
    ("post", "/batches/{batch_id}/effect-evaluations"): {"sample": 1},
    ("put", "/inspections/{inspection_id}/samples/{item_id}"): {"corrected_text": "x"},
    ("post", "/inspections/{inspection_id}/samples/{item_id}/confirm"): None,
    ("post", "/inspections/{inspection_id}/complete"): None,
    ("post", "/batches/{batch_id}/deliveries"): {},
    ("post", "/deliveries/{delivery_id}/rejection"): {"reason": "wrong speaker labels"},
    ("post", "/deliveries/{delivery_id}/acceptance"): {
        "accepted_duration_ms": 1, "accepted_utterances": 1,
    },
    ("post", "/audit/checkpoint"): None,
    ("post", "/ledger/customers"): {"name": "c", "customer_type": "other", "country": "CN"},
    ("post", "/ledger/contracts"): {"number": "K-1", "customer_id": 1, "signed_on": "2024-01-02"},
    ("post", "/ledger/contracts/{contract_id}/orders"): {
        "number": "O-1", "business_line": "data_service", "offering": "custom", "amount": "10",
        "currency": "CNY", "total_volume": "1", "acceptance_type": 1,
    },
    ("post", "/ledger/projects"): {"production_project_id": "{project}"},
    ("post", "/ledger/projects/{project_id}/budgets"): [],
    ("post", "/ledger/budgets/{budget_id}/submit"): None,
    ("post", "/ledger/budgets/{budget_id}/approvals"): {},
    ("post", "/ledger/projects/{project_id}/costs"): {
        "stage": "annotate", "category": "labour", "amount": "10", "source_ref": "r1",
        "incurred_on": "2024-01-02",
    },
    ("post", "/ledger/costs/{cost_id}/approvals"): {},
    ("post", "/ledger/costs/{cost_id}/reversal"): {"reason": "x"},
    ("post", "/ledger/recognition/run"): None,
    ("post", "/ledger/sync"): None,
    ("post", "/ledger/events/{event_id}/book"): {"over_budget_reason": "x"},
    ("post", "/ledger/projects/{project_id}/close"): {"closed_on": "2024-01-02"},
    ("post", "/ledger/projects/{project_id}/final-review"): {"note": "checked"},
    ("post", "/vendors"): {"name": "by-auditor", "kind": "studio", "fee_rate": "0.1"},
    ("post", "/vendors/{vendor_id}/qualification"): {"qualified": False, "note": "x"},
    ("put", "/vendors/{vendor_id}/agreement"): {"agreement_no": "FA-x"},
    ("post", "/vendors/{vendor_id}/evaluations/{year}"): None,
    ("post", "/workers"): {"username": "aud"},
    ("post", "/workers/{worker_id}/identity"): {"document_ref": "x"},
    ("put", "/projects/{project_id}/qualification-test"): {
        "golden": {"{item}": "hello"}, "pass_threshold": "0.5",
    },
    ("post", "/projects/{project_id}/qualification-test/attempts"): {"answers": {"{item}": "x"}},
    ("post", "/projects/{project_id}/qualification-test/grants"): {"worker_id": 1},
    ("post", "/projects/{project_id}/golden-items"): {
        "answers": {"{item}": "hello"}, "pass_threshold": "0.5",
    },
    ("delete", "/projects/{project_id}/golden-items/{item_id}"): None,
    ("delete", "/projects/{project_id}/members/{user_id}"): None,
    ("put", "/projects/{project_id}/golden-rate"): {"rate": "0.1"},
    ("post", "/packages/{package_id}/vendor"): {"vendor_id": "{vendor}"},
    ("post", "/packages/{package_id}/worker"): {"worker_id": "{worker}"},
    ("delete", "/packages/{package_id}/vendor"): None,
    ("patch", "/workers/{worker_id}"): {"languages": ["zh-CN"]},
    ("put", "/workers/{worker_id}/active"): {"active": False, "reason": "left"},
    ("put", "/workers/{worker_id}/manager"): {"is_manager": True},
    ("put", "/workers/{worker_id}/vendor"): {"vendor_id": None},
    ("post", "/prices"): {
        "half_year": "2024H1", "stage": "annotate", "modality": "speech.asr",
        "language_group": "en", "unit": "hour", "unit_price": "1",
    },
    ("post", "/settlements"): {"vendor_id": "{vendor}", "period_start": "2024-05-06"},
    ("post", "/settlements/{sheet_id}/vendor-confirmation"): None,
    ("post", "/settlements/{sheet_id}/confirmation"): None,
    ("post", "/settlements/{sheet_id}/settle"): {"reference": "x"},
    ("post", "/settlements/{sheet_id}/corrections"): {"amount": "1", "reason": "x"},
    ("post", "/settlements/{sheet_id}/void"): {"reason": "x"},
    ("put", "/hour-points"): {
        "worker_id": "{worker}", "project_id": "{project}", "month": "2024-05", "points": "1",
    },
    ("put", "/working-days/{month}"): {"days": 20},
    # data security
    ("put", "/security/projects/{project_id}/classification"): {"level": "secret"},
    ("put", "/security/users/{user_id}/clearance"): {"level": "secret"},
    ("put", "/users/{user_id}/role"): {"role": "reviewer"},
    ("put", "/security/projects/{project_id}/export"): {"cross_border": True, "destination": "DE"},
    ("post", "/security/projects/{project_id}/export-assessments"): {"conclusion": "approved"},
    ("put", "/security/export-rules/{country}"): {"requirement": "security_assessment"},
    ("delete", "/security/export-rules/{country}"): None,
    ("put", "/security/projects/{project_id}/surveying"): {"required": True},
    ("post", "/security/surveying-qualifications"): {"vendor_id": "{vendor}", "grade": "A"},
    ("post", "/security/surveying-qualifications/{qualification_id}/revoke"): None,
    ("post", "/security/projects/{project_id}/consents"): {"subject_id": "s1"},
    ("post", "/security/projects/{project_id}/consents/withdraw"): {"subject_id": "s1"},
    ("post", "/security/projects/{project_id}/consent-flags/resolve"): {"note": "deleted"},
    ("post", "/security/projects/{project_id}/desensitize"): {"detect": True},
    ("post", "/security/encrypt-existing"): None,
    ("put", "/security/items/{item_id}/classification"): {"level": "secret"},
    # contract to cash
    ("post", "/ledger/contracts/drafts"): {"number": "K-2", "customer_id": 1, "amount": "10"},
    ("post", "/ledger/contracts/{contract_id}/approvals"): {"step": "sales"},
    ("post", "/ledger/contracts/{contract_id}/sign"): {"signed_on": "2024-01-02"},
    ("post", "/ledger/contracts/{contract_id}/amendments"): {
        "amount": "20", "reason": "x", "on": "2024-01-03",
    },
    ("post", "/ledger/contracts/{contract_id}/cancel"): {"on": "2024-01-03", "reason": "x"},
    ("post", "/ledger/orders/{order_id}/amendments"): {"total_volume": "2", "reason": "x"},
    ("post", "/ledger/orders/{order_id}/final-acceptance"): {"accepted_on": "2024-01-02"},
    ("post", "/ledger/invoices/{invoice_id}/reversal"): {
        "number": "RED-1", "issued_on": "2024-01-03", "reason": "wrong amount"},
    ("post", "/ledger/orders/{order_id}/invoices"): {"number": "I-1", "issued_on": "2024-01-03"},
    ("post", "/ledger/orders/{order_id}/receipts"): {
        "reference": "R-1", "received_on": "2024-01-03", "amount": "10",
    },
    ("post", "/ledger/assets"): {
        "code": "A-1", "name": "rig", "annual_depreciation": "12", "project_id": "{ledger}",
        "in_use_from": "2024-01-01",
    },
    ("post", "/ledger/periods/{period}/close"): {"rerun": False},
    ("post", "/ledger/periods/{period}/confirm"): None,
    ("post", "/ledger/periods/{period}/reopen"): {"reason": "x"},
    # procurement
    ("post", "/procurement/approvers"): {"user_id": "{user}"},
    ("post", "/procurement/budgets"): {
        "year": 2024, "department": "d", "collection_quantity": "1", "collection_price": "1",
        "labelling_quantity": "1", "labelling_price": "1",
    },
    ("post", "/procurement/budgets/{budget_id}/decision"): {"decision": "approve"},
    ("post", "/procurement/requests"): {
        "department": "d", "kind": "labelling", "stage": "annotate", "modality": "speech.asr",
        "language_group": "en", "unit": "hour", "quantity": "1",
    },
    ("post", "/procurement/requests/combination"): {"request_ids": [1, 2]},
    ("post", "/procurement/requests/{request_id}/decision"): {"decision": "approve"},
    ("post", "/procurement/agreements"): {
        "vendor_id": "{vendor}", "number": "FA-9", "valid_from": "2024-01-01",
        "valid_to": "2024-12-31", "prices": [{
            "stage": "annotate", "modality": "speech.asr", "language_group": "en",
            "unit": "hour", "unit_price": "1",
        }],
    },
    ("post", "/procurement/agreements/{agreement_id}/approval"): None,
    ("post", "/procurement/orders"): {
        "request_id": 1, "vendor_id": "{vendor}", "project_id": "{project}", "quantity": "1",
    },
    ("post", "/ledger/projects/{project_id}/budget-plan"): {
        "deliverable": "10", "loss_rate": "0.1", "output_ratio": "0.5", "on": "2024-01-02",
    },
    ("post", "/ledger/projects/{project_id}/budget-plan/budget"): {
        "deliverable": "10", "loss_rate": "0.1", "output_ratio": "0.5", "on": "2024-01-02",
    },
    # the annotation-output ratio's pre-start self-test (试标) and agreed ratio
    ("post", "/ledger/projects/{project_id}/ratio-tests"): {"item_ids": [1], "worker_ids": [1]},
    ("post", "/ledger/projects/{project_id}/agreed-ratio"): {"ratio": "1.5", "note": "x"},
    ("post", "/ledger/ratio-tests/{test_id}/measure"): None,
    ("post", "/ledger/ratio-tests/{test_id}/apply"): {},
    # catalog (issue 11)
    ("post", "/catalog/datasets"): {"name": "by-auditor", "title": "t", "modality": "speech.asr",
                                    "languages": ["zh-CN"]},
    ("patch", "/catalog/datasets/{dataset_id}"): {"price": "1"},
    ("post", "/catalog/datasets/{dataset_id}/sources"): {"batch_id": 1},
    ("delete", "/catalog/datasets/{dataset_id}/sources/{source_id}"): None,
    ("post", "/catalog/datasets/{dataset_id}/releases"): None,
    ("post", "/catalog/licences"): {
        "dataset_id": 1, "customer_id": 1, "number": "240105/ABC", "price": "1",
        "territory": "PRC", "term": "1 year", "usage_scope": "x", "acceptance_criteria": "x"},
    ("post", "/catalog/licences/{licence_id}/links"): {},
    ("post", "/catalog/licences/{licence_id}/acceptance"): {},
    ("post", "/catalog/licences/{licence_id}/revocation"): {"reason": "breach"},
    ("post", "/catalog/licences/{licence_id}/rejection"): {"reason": "files missing"},
    ("post", "/catalog/licences/{licence_id}/renewal"): {"price": "1"},
    ("post", "/catalog/licences/{licence_id}/upgrade"): {"release_id": 1, "reason": "corrected"},
    ("post", "/catalog/transfers/{link_id}/revocation"): None,
    ("post", "/catalog/releases/{release_id}/withdrawal"): {"reason": "defect"},
    ("post", "/catalog/customer-accounts"): {"username": "aud", "customer_id": 1},
    ("post", "/catalog/retention/holds"): {"project_id": "{project}", "reason": "dispute"},
    ("post", "/catalog/retention/holds/{hold_id}/release"): None,
    ("put", "/catalog/retention/contracts/{contract_id}"): {"months": 6},
    ("post", "/catalog/retention/runs"): {"dry_run": False},
    ("post", "/ledger/customers/{customer_id}/credit-grade"): {"grade": "1", "reason": "x"},
    ("put", "/ledger/customers/{customer_id}/language"): {"language": "zh-CN"},
    ("post", "/catalog/band-quotes"): {"dataset_id": 1, "customer_id": 1, "price": "1",
                                       "reason": "tender won at 3 lots"},
    ("post", "/catalog/band-quotes/{quote_id}/approvals"): {"decision": "approve",
                                                            "reason": "ok"},
    ("post", "/catalog/band-quotes/{quote_id}/withdrawal"): {"reason": "ok"},
    ("post", "/catalog/quote-requests"): {"dataset_id": 1, "intended_use": "ASR training",
                                          "scope": "one team, 2 years"},
    ("post", "/catalog/quote-requests/{request_id}/answer"): {"price": "1000"},
    ("post", "/catalog/quote-requests/{request_id}/decline"): {"reason": "not for sale"},
    ("post", "/catalog/quote-requests/{request_id}/acceptance"): None,
    ("post", "/catalog/quote-requests/{request_id}/withdrawal"): {"reason": "ok"},
    ("post", "/catalog/quote-requests/{request_id}/licence"): {},
    ("post", "/security/batches/{batch_id}/personal-data-release"): {"reason": "customer-owned"},
    ("post", "/security/projects/{project_id}/subject-erasures"): {"subject_id": "s1",
                                                                   "dry_run": True},
    ("post", "/ledger/receipts/{receipt_id}/reversal"): {
        "reference": "R-1-REV", "received_on": "2024-01-03", "reason": "typed twice"},
}
#: path ids with no object behind them in the world (id 1 is used)
PLACEHOLDERS = ("package_id", "task_id", "batch_id", "inspection_id", "delivery_id",
                "contract_id", "budget_id", "cost_id", "event_id", "sheet_id", "token_id",
                "qualification_id", "order_id", "agreement_id", "request_id", "dataset_id",
                "licence_id", "hold_id", "invite_id", "prompt_id", "link_id",
                 "release_id", "test_id", "source_id", "customer_id", "quote_id")
#: writes on something the world does not have (no qualification test is defined)
ABSENT = {("post", "/projects/{project_id}/qualification-test/attempts"),
          ("post", "/projects/{project_id}/qualification-test/grants")}
#: GETs the auditor must be able to read although they are a member of nothing
READS = [
    "/projects", "/projects/{project}", "/projects/{project}/stats",
    "/projects/{project}/members", "/projects/{project}/items", "/projects/{project}/packages",
    "/projects/{project}/batches", "/projects/{project}/items/{item}",
    # the delivery records the audit trail names (contract → delivery → acceptance)
    "/projects/{project}/deliveries",
    "/audit/verify",
    "/ledger/customers", "/ledger/events/problems", "/ledger/projects/{ledger}/budget-vs-actual",
    "/ledger/budgets/{budget}/quote?margin=0.4",
    "/ledger/reports/margin?from=2024-01-01&to=2024-12-31",
    "/ledger/reports/wip?from=2024-01-01&to=2024-12-31", "/ledger/reports/monthly/2024",
    "/ledger/journal.csv?from=2024-01-01&to=2024-12-31",
    "/security/projects/{project}", "/security/export-rules",
    "/vendors", "/vendors/{vendor}", "/vendors/{vendor}/workers", "/vendors/{vendor}/packages",
    "/workers", "/workers/{worker}/dashboard", "/prices", "/settlements", "/settlement-periods",
]


@pytest.fixture
def world(runtime: Runtime) -> dict[str, int]:
    """A project with one item and a ledger project, a vendor with a worker, and one user per
    role (``u-<role>``, a member of the project) plus an auditor ``aud`` who is a member of
    nothing."""
    with runtime.session() as s:
        users = {r: create_user(s, f"u-{r.value}", "password1", r.value) for r in Role}
        admin = users[Role.ADMIN]
        project = create_project(s, SPEC, actor_id=admin.id)
        for u in users.values():
            add_member(s, project.id, u, None)
        item = Item(project_id=project.id, external_id="u1", sha256="0" * 64, filename="u1.wav",
                    size_bytes=1, status="ready", owner="customer")
        s.add(item)
        s.flush()
        ledger = open_ledger_project(s, project.id)
        budget = create_budget(s, ledger.id, [{
            "stage": "annotation", "category": "data_service", "quantity": Decimal(10),
            "unit": "hours", "unit_price": Decimal(600)}], actor_id=admin.id)
        vendor = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        wkr = create_user(s, "wkr", "password1", "annotator")
        worker = register_worker(s, admin, wkr, vendor_id=vendor.id, languages=["en-US"])
        create_user(s, "aud", "password1", "auditor")
        customer = create_customer(s, "matrix-buyer", customer_type="other", country="CN")
        return {"project": project.id, "item": item.id, "ledger": ledger.id,
                "vendor": vendor.id, "worker": worker.id, "user": wkr.id,
                "customer": customer.id, "budget": budget.id}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _fill(value: Any, w: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {_fill(k, w): _fill(v, w) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, w) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        if key in w:
            return w[key] if key != "item" else str(w[key])
    return value


def _url(path: str, w: dict[str, int]) -> str:
    for name, key in (("project_id", "project"), ("item_id", "item"), ("vendor_id", "vendor"),
                      ("worker_id", "worker"), ("user_id", "user")):
        path = path.replace("{" + name + "}", str(w[key]))
    for name in ("project", "item", "ledger", "vendor", "worker", "budget"):
        path = path.replace("{" + name + "}", str(w[name]))
    path = path.replace("{year}", "2024").replace("{period}", "2024-05")
    path = path.replace("{month}", "2024-05")
    path = path.replace("{country}", "DE")
    for param in PLACEHOLDERS:
        path = path.replace("{" + param + "}", "1")
    return API + path


def _writes(client: TestClient) -> list[tuple[str, str]]:
    schema = client.get(f"{API}/openapi.json").json()
    return sorted(
        (method, path.removeprefix(API))
        for path, item in schema["paths"].items() for method in item if method in WRITES
    )


def _audit_rows(runtime: Runtime) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def test_auditor_reads_everything(client: TestClient, world: dict[str, int]) -> None:
    aud = _login(client, "aud")
    for path in READS:
        r = client.get(_url(path, world), headers=aud)
        assert r.status_code == 200, (path, r.status_code, r.text)
    listed = client.get(f"{API}/projects", headers=aud).json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    assert [p["id"] for p in rows] == [world["project"]]  # a member of nothing, sees it all


def test_auditor_writes_nothing(
    client: TestClient, world: dict[str, int], runtime: Runtime
) -> None:
    routes = [r for r in _writes(client) if r not in SELF_SERVICE]
    assert set(routes) == set(BODIES), "add a well-formed body for each new write to BODIES"
    aud = _login(client, "aud")
    before = _audit_rows(runtime)
    wrong = []
    for method, path in routes:
        body = _fill(BODIES[(method, path)], world)
        r = client.request(method.upper(), _url(path, world), json=body, headers=aud)
        # on objects that exist the refusal must be 403; on placeholders 404 is fine too
        real = (method, path) not in ABSENT and not any("{" + p + "}" in path
                                                         for p in PLACEHOLDERS)
        if r.status_code not in ((403,) if real else (403, 404)):
            wrong.append((method, path, r.status_code, r.text[:300]))
        assert r.headers["content-type"].startswith("application/problem+json")
    assert not wrong, wrong
    assert _audit_rows(runtime) == before, "an auditor's request changed something"


def _expect(role: Role, action: Action) -> int:
    """200/201 where the role holds ``action`` in scope ``any`` or ``member`` (every user is a
    member of the project); 403 where it holds none, or only ``own`` (these users manage no
    vendor)."""
    return 403 if role_scope(role, action) in (Scope.NONE, Scope.OWN) else 200


def test_each_role_per_domain(client: TestClient, world: dict[str, int]) -> None:
    """Every role: one read and one write per domain, as the matrix says."""
    for role in Role:
        _role_cells(client, world, role)


def _role_cells(client: TestClient, world: dict[str, int], role: Role) -> None:
    me = _login(client, f"u-{role.value}")
    pid = world["project"]
    tag = role.value
    cells: list[tuple[str, str, Any, Action | tuple[Action, ...]]] = [
        # (method, path, body, action or any of several); a project's basics are read by who
        # views it, by its customer (who takes its deliveries) and by who works on it
        ("get", f"/projects/{pid}", None, (Action.VIEW_PROJECT, Action.ACCEPT_DELIVERY,
                                            Action.ANNOTATE, Action.REVIEW)),
        ("post", f"/projects/{pid}/members", {"username": "aud"}, Action.MANAGE_PROJECT),
        # delivery records: who takes them, and who reads the project (auditor, inspectors)
        ("get", f"/projects/{pid}/deliveries", None, (Action.VIEW_PROJECT,
                                                      Action.ACCEPT_DELIVERY)),
        # the vendor list: whoever views the workforce, and finance, who pays every vendor
        ("get", "/vendors", None, (Action.VIEW_WORKFORCE, Action.PAY_VENDORS)),
        ("post", "/vendors", {"name": f"v-{tag}", "kind": "studio", "fee_rate": "0.1"},
         Action.MANAGE_WORKFORCE),
        ("get", "/ledger/customers", None, Action.VIEW_LEDGER),
        ("post", "/ledger/customers",
         {"name": f"c-{tag}", "customer_type": "other", "country": "CN"},
         Action.REGISTER_CUSTOMER),
        # sales draft contracts too (domain §6); the approvals and the rest of the books are not
        ("post", "/ledger/contracts/drafts",
         {"number": f"K-{tag}", "customer_id": world["customer"], "amount": "1000"},
         Action.DRAFT_CONTRACT),
        ("post", "/ledger/contracts",
         {"number": f"KS-{tag}", "customer_id": world["customer"], "signed_on": "2024-01-02"},
         Action.LEDGER),
        # a cost-plus quote tells the budget's total: the readers of the books (sales quote)
        ("get", f"/ledger/budgets/{world['budget']}/quote?margin=0.4", None, Action.VIEW_LEDGER),
        ("get", "/audit/verify", None, Action.VIEW_AUDIT),
        ("post", "/audit/checkpoint", None, Action.SIGN_AUDIT),
        ("put", "/security/export-rules/DE", {"requirement": "security_assessment"},
         Action.MANAGE_DATA_SECURITY),
    ]
    for method, path, body, action in cells:
        r = client.request(method.upper(), API + path, json=body, headers=me)
        expected = min(_expect(role, a) for a in (action if isinstance(action, tuple)
                                                  else (action,)))
        got = 200 if r.status_code in (200, 201) else r.status_code
        assert got == expected, (role.value, method, path, r.status_code, r.text)


def test_vendor_manager_reads_only_their_vendor(
    client: TestClient, world: dict[str, int], runtime: Runtime
) -> None:
    """``own`` scope through the API: a vendor_manager-role user registered as acme's manager
    sees acme, not the vendor list of everyone."""
    with runtime.session() as s:
        admin = s.scalars(select(User).where(User.username == "u-admin")).one()
        boss = s.scalars(select(User).where(User.username == "u-vendor_manager")).one()
        register_worker(s, admin, boss, vendor_id=world["vendor"], is_manager=True)
        other = create_vendor(s, admin, name="other", kind="studio", fee_rate="0.1",
                              agreement_no="FA-2")
    me = _login(client, "u-vendor_manager")
    assert client.get(f"{API}/vendors/{world['vendor']}", headers=me).status_code == 200
    # another vendor answers as a missing one (no probing for which vendors exist)
    assert client.get(f"{API}/vendors/{other.id}", headers=me).status_code == 404
    listed = client.get(f"{API}/vendors", headers=me)
    assert listed.status_code == 200
    assert [v["id"] for v in listed.json()] == [world["vendor"]]
    r = client.post(f"{API}/vendors", json={"name": "x", "kind": "studio", "fee_rate": "0.1"},
                    headers=me)
    assert r.status_code == 403


def test_auditor_web_pages_read_and_refuse_writes(
    client: TestClient, world: dict[str, int], runtime: Runtime
) -> None:
    """The web faces the same matrix: the auditor opens every domain's pages and is refused a
    write (the audit checkpoint, a settlement confirmation)."""
    from tests.known_issues._web import csrf_of, web_login

    web_login(client, "aud")
    pid, vid, wid = world["project"], world["vendor"], world["worker"]
    for path in ("/", f"/projects/{pid}", "/audit", "/finance", f"/projects/{pid}/finance",
                 "/workforce", "/workforce/vendors", f"/workforce/vendors/{vid}",
                 "/workforce/sheets", "/workforce/periods", f"/workforce/workers/{wid}",
                 f"/projects/{pid}/deliveries"):  # the delivery records (403 before)
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert "/audit/checkpoint" not in client.get("/audit").text  # no button for a reader
    before = _audit_rows(runtime)
    csrf = csrf_of(client)
    r = client.post("/audit/checkpoint", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 403
    assert _audit_rows(runtime) == before
