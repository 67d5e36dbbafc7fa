"""Trial h3 (compliance officer): a desensitized project's delivery masked every transcript,
attribute and prompt, but an item imported under a caller's phone number (``call_13812345678``,
as call-centre recordings are named) went out under it: the number was in 10 of the package's
16 files (Kaldi's wav.scp, text, utt2spk ..., the HF table, the manifest). The id and the file
name are masked now, the id kept unique by the item's row id."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.desensitize import desensitize_item_texts
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API
from tests.known_issues.test_trial2_delivery_leaks import (
    _accepted_batch,
    _add_pii,
    _auth,
    _batch_item_ids,
    _package_text,
    _u,
)
from tests.unit.production.helpers import ready_project

CALLER = "13812345678"
#: a second caller, imported under a name a delivery renames (a space): the id map names it
SECOND = "13800005678"


@pytest.mark.slow
def test_a_phone_number_in_an_item_id_is_masked_in_every_file(
    sqlite_runtime: Runtime, tmp_path: Path,
) -> None:
    """... and everywhere else the customer sees the delivered items (h14): the id map, the
    acceptance's refused items (API, web page, CLI's reader) and its refusals name the items
    as the package does, and the customer refuses an item by that name."""
    from datamill.compliance.users import add_member, create_user
    from tests.known_issues._web import web_login

    runtime = sqlite_runtime
    with runtime.session() as s:
        users = {n: create_user(s, n, "password1", r) for n, r in (
            ("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator"),
            ("ann2", "annotator"), ("rev", "reviewer"), ("insp", "inspector"))}
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        buyer = create_user(s, "buyer", "password1", "customer")
        add_member(s, pid, buyer, actor_id=None)
    with TestClient(create_app(runtime)) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        first, second = _batch_item_ids(runtime, batch)[:2]
        _add_pii(runtime, first, "13900001111")
        with runtime.session() as s:  # two callers whose numbers mask alike
            for item_id, name in ((first, f"call_{CALLER}"), (second, f"call {SECOND}")):
                item = s.get(Item, item_id)
                assert item is not None
                item.external_id, item.filename = name, f"{name}.wav"
        with runtime.session() as s:
            desensitize_item_texts(s, pid, actor=_u(s, users, "pm"), workers=1)
        made = api.post(f"{API}/batches/{batch}/deliveries", headers=pm, json={})
        assert made.status_code == 201, made.text
        did, buyer_h = made.json()["id"], _auth(api, "buyer")
        # the customer refuses an item by the name the package gives it (before: 422, unknown)
        accepted = api.post(f"{API}/deliveries/{did}/acceptance", headers=buyer_h,
                            json={"refused_items": [f"call_138____5678-{first}"]})
        assert accepted.status_code == 200, accepted.text
        shown = [api.get(f"{API}/deliveries/{did}", headers=h).json()["refused_items"]
                 for h in (pm, buyer_h)]
        # before: ['call_13812345678'], the number itself
        assert shown == [[f"call_138____5678-{first}"]] * 2, shown
        web_login(api, "buyer")  # the same app: no second start
        page = api.get(f"/projects/{pid}/deliveries").text
        assert f"call_138____5678-{first}" in page and CALLER not in page
    package = _package_text(Path(made.json()["path"]))
    leaked = sorted(name for name, text in package.items() if CALLER in text or SECOND in text)
    assert leaked == [], leaked  # before: 10 of 16 files; then id_map.tsv (h14)
    assert package["id_map.tsv"].splitlines()[1:] == [
        f"call_138____5678-{second}\tcall 138****5678"]
    utts = [line.split()[0] for line in package["kaldi/text"].splitlines()]
    assert len(utts) == len(set(utts)) == 2
    for item_id in (first, second):  # masked alike, told apart by the row id
        assert any(f"call_138____5678-{item_id}-" in u for u in utts), utts
