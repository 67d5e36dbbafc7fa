"""Found by a trial user: vendors were paid for work the customer did not accept (an image
delivery of 5, 4 accepted: the two vendors' sheets paid 5), an acceptance of 0 items with the
full volume was recorded, and sheet lines labelled images and characters ``duration_ms``.

Settlement is by accepted volume (domain §5.3): where the customer accepted part of a delivery,
each worker's items of it are paid at the accepted share, so what the vendors are paid for it
never exceeds what the customer accepted; an acceptance whose items and volume contradict each
other is refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.delivery import record_acceptance
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    Delivery,
    Inspection,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement import create_settlement_sheet, sheet_csv
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified

WEEK, NEXT = date(2026, 11, 30), date(2026, 12, 7)  # Mondays
TUESDAY = datetime(2026, 12, 1, 2, tzinfo=UTC)
UNITS = {"image": ("images", 1), "text": ("characters", 1000), "speech.asr": ("milliseconds",
                                                                           3_600_000)}


def _user(s: Session, name: str, role: str = "annotator") -> User:
    user = User(username=name, display_name=name, password_hash="x", role=role)
    s.add(user)
    s.flush()
    return user


def _vendor(s: Session, admin: User, name: str, person: str) -> tuple[int, User]:
    v = create_vendor(s, admin, name=name, kind="company", fee_rate="0.08",
                      agreement_no=f"FA-{name}")
    set_vendor_qualified(s, admin, v.id, True, "ok")
    user = _user(s, person)
    register_worker(s, admin, user, vendor_id=v.id, languages=["en-US"])
    return v.id, user


def _delivered(s: Session, modality: str, work: list[tuple[User, int]]) -> int:
    """A delivered batch (inspected and accepted on TUESDAY) of items ``(annotator, volume)``;
    the delivery's id."""
    p = Project(name=f"h1-{modality}", modality=modality, language="en-US",
                project_type="custom_service", data_owner="customer", spec={})
    s.add(p)
    s.flush()
    b = Batch(project_id=p.id, name="b1", status="delivered")
    s.add(b)
    s.flush()
    s.add(Inspection(batch_id=b.id, plan={}, status="completed", verdict="accepted",
                     completed_at=TUESDAY))
    for n, (who, volume) in enumerate(work):
        item = Item(project_id=p.id, external_id=f"i{n}", sha256=f"{p.id}{n:063d}",
                    filename="x", size_bytes=1, owner="customer", volume=volume,
                    attributes={}, status="accepted")
        s.add(item)
        s.flush()
        ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="annotation",
                         segments=[], author_id=who.id)
        task = Task(project_id=p.id, item_id=item.id, stage="annotate", status="done")
        s.add_all([ann, task])
        s.flush()
        s.add(TaskAssignment(task_id=task.id, user_id=who.id, status="submitted"))
        s.add(BatchItem(batch_id=b.id, item_id=item.id, annotation_id=ann.id))
    base, per = UNITS[modality]
    total = sum(v for _, v in work)
    d = Delivery(batch_id=b.id, project_id=p.id, path="/tmp/pkg",  # noqa: S108
                 datasheet={"volume": {"amount": total, "base_unit": base, "unit": "u",
                                       "per_unit": per}},
                 delivered_volume=total / per, delivered_items=len(work))
    s.add(d)
    s.flush()
    return d.id


@pytest.fixture
def world(runtime: Runtime) -> dict[str, int]:
    """Image delivery: alice (vendor 1) 3 images, mallory (vendor 2) 2; 2.00 an image."""
    with runtime.session() as s:
        admin = _user(s, "boss", "admin")
        v1, alice = _vendor(s, admin, "V1", "alice")
        v2, mallory = _vendor(s, admin, "V2", "mallory")
        set_price(s, admin, half_year="2026H2", stage="annotate", modality="image",
                  language_group="foreign", unit="item", unit_price="2.00")
        d = _delivered(s, "image", [(alice, 1)] * 3 + [(mallory, 1)] * 2)
        return {"admin": admin.id, "v1": v1, "v2": v2, "delivery": d}


def _sheets(runtime: Runtime, w: dict[str, int]) -> tuple[SettlementSheetOut, SettlementSheetOut]:
    with runtime.session() as s:
        admin = s.get(User, w["admin"])
        assert admin is not None
        second = create_settlement_sheet(s, admin, w["v2"], WEEK)
        first = create_settlement_sheet(s, admin, w["v1"], NEXT)
    return first, second


def test_a_partly_accepted_delivery_pays_no_more_than_the_customer_accepted(
    runtime: Runtime, world: dict[str, int],
) -> None:
    with runtime.session() as s:
        took = record_acceptance(s, world["delivery"], accepted_items=4)  # volume = items
    assert (took.accepted_items, took.accepted_volume_base) == (4, 4)
    v1, v2 = _sheets(runtime, world)
    (a,), (m,) = v1.lines, v2.lines
    # was 3 + 2 = 5 images paid (10.00) for 4 accepted
    assert (a.items, a.quantity, a.amount) == (3, Decimal("2.4"), Decimal("4.80"))
    assert (m.items, m.quantity, m.amount) == (2, Decimal("1.6"), Decimal("3.20"))
    assert a.quantity + m.quantity == 4 and v1.amount + v2.amount == Decimal("8.00")
    assert f"pro rata: delivery {world['delivery']}: 4 of 5 items accepted" in a.description
    # the line says what it counts (it said "duration_ms": 3 for three images)
    assert (a.volume_unit, a.duration_ms) == ("images", None)
    assert m.model_dump(mode="json")["volume_unit"] == "images"


def test_a_wholly_accepted_delivery_pays_every_item(
    runtime: Runtime, world: dict[str, int],
) -> None:
    with runtime.session() as s:
        record_acceptance(s, world["delivery"], accepted_items=5)
    v1, v2 = _sheets(runtime, world)
    assert [(ln.items, ln.quantity, ln.amount, ln.volume) for ln in v1.lines + v2.lines] == [
        (3, 3, Decimal("6.00"), 3), (2, 2, Decimal("4.00"), 2)]
    assert "pro rata" not in v1.lines[0].description


def test_text_lines_count_characters_and_kchars_not_milliseconds(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin = _user(s, "boss", "admin")
        v, ann = _vendor(s, admin, "V1", "alice")
        set_price(s, admin, half_year="2026H2", stage="annotate", modality="text",
                  language_group="foreign", unit="volume", unit_price="10.00")
        d = _delivered(s, "text", [(ann, 100), (ann, 120), (ann, 253)])
        record_acceptance(s, d, accepted_items=2, accepted_volume=373)  # the 100 refused
        sheet = create_settlement_sheet(s, admin, v, WEEK)
        (line,) = sheet.lines
        csv_text = sheet_csv(s, admin, sheet.id)
    # 473 characters delivered, 373 accepted: 373 × 3 / 3 items … paid at the volume share
    assert (line.volume, line.volume_unit, line.duration_ms) == (Decimal("0.373"), "kchars", None)
    assert line.amount == Decimal("3.73")
    assert "volume,volume_unit" in csv_text and "duration_ms" not in csv_text


def test_speech_lines_keep_duration_ms(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin = _user(s, "boss", "admin")
        v, ann = _vendor(s, admin, "V1", "alice")
        set_price(s, admin, half_year="2026H2", stage="annotate", modality="speech.asr",
                  language_group="foreign", unit="hour", unit_price="36.00")
        _delivered(s, "speech.asr", [(ann, 1_800_000), (ann, 1_800_000)])  # not yet reported
        (line,) = create_settlement_sheet(s, admin, v, WEEK).lines
    assert (line.volume, line.volume_unit, line.duration_ms, line.amount) == (
        Decimal(1), "hours", 3_600_000, Decimal("36.00"))


@pytest.mark.parametrize(("items", "volume", "message"), [
    (0, 473, "0 items accepted cannot carry 473 characters"),
    (0, 33, "0 items accepted cannot carry 33 characters"),
    (3, 400, "all 3 delivered items hold 473 characters, not 400"),
    (1, 400, "1 of the 3 delivered items hold between 100 and 253 characters, not 400"),
    (2, 100, "2 of the 3 delivered items hold between 220 and 373 characters, not 100"),
    (4, 473, "accepted items 4 exceed the 3 delivered"),
], ids=["0-items-full-volume", "0-items-some-volume", "all-items-less-volume",
        "1-item-too-much", "2-items-too-little", "more-than-delivered"])
def test_an_acceptance_whose_items_and_volume_contradict_is_refused(
    runtime: Runtime, items: int, volume: int, message: str,
) -> None:
    with runtime.session() as s:
        ann = _user(s, "alice")
        d = _delivered(s, "text", [(ann, 100), (ann, 120), (ann, 253)])
    with runtime.session() as s, pytest.raises(InvalidInput, match=message):
        record_acceptance(s, d, accepted_items=items, accepted_volume=volume)
    with runtime.session() as s:  # the consistent one goes through
        assert record_acceptance(s, d, accepted_items=2, accepted_volume=220).status == "accepted"


def test_the_cli_refuses_zero_items_with_volume_in_json(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        d = _delivered(s, "text", [(users["ann1"], 10), (users["ann1"], 23)])
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["delivery", "accept", str(d), "--items", "0", "--volume", "33",
                                 "--as", "admin", "--json"])
    assert r.exit_code == 2, r.output
    error = json.loads(r.stdout)["error"]
    assert "0 items accepted cannot carry 33 characters" in error["message"]
    assert "rejection" in error["message"]
