"""h4 trial (MEDIUM for a first run): ``datamill demo --full --modalities speech,image,text``
stopped with exit 4 in the image project's money story: the labelling vendor's settlement
sheet, drawn to pay its image work, also held its accepted work on the text project (which has
no books), so paying it was refused (``sheet_no_accounts``). The full demo escaped only because
its point clouds are priced by no price system (the sheet was refused, and a claim paid the
images). A sheet that would pay work on another project is now not drawn (nothing left behind),
and a claim pays the images, as when the vendor's workers labelled none of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from datamill.compliance.models import User
from datamill.demo.image_money import VENDOR, _vendor_sheet
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.workforce.models import SettlementSheet, Vendor
from tests.unit.workforce.test_settlement_properties import _build


def test_a_sheet_with_another_projects_work_is_not_drawn(runtime: Runtime) -> None:
    with runtime.session() as s:
        _build(s, [("accepted", 0, 0, 3_600_000), ("accepted", 1, 1, 1_800_000)])  # project p
        s.execute(update(Vendor).values(name=VENDOR))
        images = Project(name="images", modality="image", language="und",
                         project_type="custom_service", data_owner="customer", spec={})
        s.add(images)
        s.flush()
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        sheet = _vendor_sheet(s, boss, date(2024, 5, 29), images.id)
        assert sheet is None  # was a sheet of project p's work, which the demo cannot pay
        assert s.scalar(select(func.count()).select_from(SettlementSheet)) == 0
