"""Found by a trial user (finance, zh-CN): the project finance page showed raw codes
("业务线 vision · custom", the approval role as ``finance_reviewer``, the acceptance type as a
bare number), and ``ledger trace CONTRACT --json`` labelled an image delivery
``"delivered_hours": 11.0``.

The page now words business line, offering, approval role and acceptance type through the
catalogue (zh-CN with full-width parentheses); the trace gives each delivery and acceptance its
volume with its unit (``delivered_volume`` + ``volume_unit``; ``volume`` + ``volume_unit``; a
``unit`` column in the CSV), and the deprecated ``delivered_hours`` is only filled for a volume
counted in hours (None for images, instead of a number that is not hours).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.trace import contract_trace, trace_csv
from datamill.production.delivery import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

D = Decimal
IMAGES = {"amount": 11, "unit": "images", "base_unit": "images", "per_unit": 1, "in_units": 11}


def _books(runtime: Runtime) -> tuple[int, int]:
    """A vision type-3 order of 20 images and its project, 11 images delivered and accepted:
    (contract id, production project id)."""
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "img-cust", customer_type="ai_company", country="CN")
        k = draft_contract(s, "K-IMG", customer_id=cust.id, amount=D(20000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        sign_contract(s, k.id, date(2018, 1, 5))
        order = create_order(s, k.id, "O-IMG", business_line="vision", offering="custom",
                             amount=D(20000), currency="CNY", total_volume=D(20),
                             volume_unit="images", acceptance_type=3)
        pid, lp = ledger_project(s, "image-books", order.id, modality="image")
        approved_budget(s, lp, [line("annotation", "data_service", "20", "500", "images")], ap)
        batch = Batch(project_id=pid, name="b-1", status="delivered")
        s.add(batch)
        s.flush()
        d = Delivery(batch_id=batch.id, project_id=pid, path="/tmp/pkg",  # noqa: S108
                     datasheet={"volume": IMAGES}, delivered_volume=11.0, delivered_items=11)
        s.add(d)
        s.flush()
        record_acceptance(s, d.id, accepted_duration_ms=11, accepted_utterances=11)
        d.accepted_at = datetime(2018, 3, 1, 10, tzinfo=UTC)
        return k.id, pid


def test_trace_gives_volumes_with_their_unit(runtime: Runtime) -> None:
    k, _pid = _books(runtime)
    with runtime.session() as s:
        [o] = contract_trace(s, k).orders
        [d] = o.deliveries
        dumped = d.model_dump(mode="json")
        assert (dumped["delivered_volume"], dumped["volume_unit"]) == (11.0, "images")
        assert dumped["delivered_hours"] is None  # was 11.0: eleven images are no hours
        assert [a.volume_unit for a in o.acceptances] == ["images"] * len(o.acceptances)
        rows = list(csv.DictReader(io.StringIO(trace_csv(s, k))))
    units = {r["kind"]: r["unit"] for r in rows}
    assert units["order"] == units["delivery"] == "images"


def test_project_finance_page_words_its_codes_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    _k, pid = _books(runtime)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200, page.text
        text = "\n".join(visible_text_nodes(page.text))
        assert "视觉 · 定制" in text  # was "vision · custom"
        assert "vision" not in text and "custom" not in text
        assert "3（分批交付、逐批验收）" in text
        c.cookies.set("lang", "en")
        text = "\n".join(visible_text_nodes(c.get(f"/projects/{pid}/finance").text))
        assert "vision · custom" in text
        assert "3(each batch accepted on its own)" in text
    with TestClient(create_app(runtime)) as c:  # an approver reads their role in words
        web_login(c, "ap-finance_reviewer")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/projects/{pid}/finance")
        assert page.status_code == 200, page.text
        nodes = visible_text_nodes(page.text)
        assert "财务审核" in nodes and "finance_reviewer" not in nodes  # was the code
