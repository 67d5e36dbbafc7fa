"""A delivery written again without some items (their subjects withdrew consent and were
erased) before the customer's report is accepted as the package now stands: ``--all`` took the
first package's item count with the new volume and was refused as contradicting itself ("all 3
delivered items hold 14229 milliseconds, not 9170"), so the customer could not accept it all
(the web form offered 3 items). The page's delivered line still said 3 items too (h9): it says
what the package holds now, and that it was re-delivered."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_acceptance import record_acceptance
from datamill.production.delivery_redeliver import redeliver_without
from datamill.production.models import BatchItem, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


@pytest.mark.slow
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)
def test_a_redelivered_package_is_accepted_as_it_stands(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 3)
    batch_id = accepted_batch(runtime, users, pid)
    with runtime.session() as s:
        delivery_id = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out").id
        items = s.scalars(select(Item).join(BatchItem, BatchItem.item_id == Item.id).where(
            BatchItem.batch_id == batch_id).order_by(Item.id)).all()
        gone, kept = items[0].id, sum(int(i.volume or 0) for i in items[1:])
    with runtime.session() as s:
        done = redeliver_without(s, runtime.blobs, delivery_id, {gone}, actor_id=None)
        assert done.delivery is not None and done.delivery.datasheet["items"] == 2
    with TestClient(create_app(runtime)) as c:  # the page's form offers what the package holds
        web_login(c, "pm")
        page = c.get(f"/projects/{pid}/deliveries").text
        assert 'name="accepted_items" min="0" value="2"' in page, page
        # the delivered line says what the package holds now, not the first package's 3 items
        # (h9), and that it was re-delivered
        line = re.search(r'data-testid="dlv-delivered">([^<]*)<', page)
        assert line and line.group(1).startswith("2 items · "), page
        assert "re-delivered with 1 left out" in page and "first delivered: 3 items" in page
        # the form's report date (h9): a day before the delivery is refused, the date kept
        day = (business_today() - timedelta(days=1)).isoformat()
        r = c.post(f"/deliveries/{delivery_id}/accept", data={
            "accepted_items": "2", "accepted_volume": str(kept), "accepted_on": day,
            "csrf_token": csrf_of(c)})
        assert r.status_code == 422 and "it is accepted on or after that day" in r.text, r.text
        assert f'name="accepted_on" value="{day}"' in r.text
        c.get("/lang/zh-CN?next=/")
        zh = c.get(f"/projects/{pid}/deliveries").text
        assert "2 个条目 · " in zh and "已重新交付，去除 1 个条目" in zh and "首次交付：3 个条目 · " in zh, zh
    with runtime.session() as s:
        with pytest.raises(InvalidInput, match="exceed the 2 delivered"):
            record_acceptance(s, delivery_id, accepted_items=3, accepted_volume=kept)
    with runtime.session() as s:
        out = record_acceptance(s, delivery_id, accept_all=True)
        assert (out.accepted_items, out.accepted_volume_base) == (2, kept)
