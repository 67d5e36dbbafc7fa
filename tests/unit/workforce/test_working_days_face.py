"""A month's working days are recorded through the API and the CLI (trial h7).

The 8 × working-days cap of hour points counted Monday to Friday unless the library's
``set_working_days`` recorded the month's real count: no face offered it, so October 2024 (23
weekdays, the National Day week off) capped a person at 184 points instead of 128. And a count
recorded after points were booked could sit below them. Now ``PUT /working-days/{month}`` and
``workforce working-days`` record it, refusing a count whose cap is below points already
booked.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login


def test_the_api_records_a_holiday_month_and_keeps_booked_points_under_it(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        project = Project(name="pts-oct", modality="speech.asr", language="zh-CN",
                          project_type="custom_service", data_owner="customer", spec={})
        s.add(project)
        s.flush()
        create_grade(s, admin, "T4", "40")
        worker_id = register_worker(s, admin, users["ann1"], grade="T4").id
        project_id = project.id
    with TestClient(create_app(runtime)) as c:
        h = login(c, "admin")
        r = c.put(f"{API}/working-days/2024-10", headers=h, json={"days": 16})
        assert r.status_code == 200 and r.json() == {
            "month": "2024-10", "working_days": 16, "cap": "128",
            "worked_days": 16, "cap_to_date": "128"}, r.text
        book = {"worker_id": worker_id, "project_id": project_id, "month": "2024-10"}
        r = c.put(f"{API}/hour-points", headers=h, json={**book, "points": "130"})
        assert r.status_code == 422 and "cap of 128" in r.text, r.text
        r = c.put(f"{API}/hour-points", headers=h, json={**book, "points": "120"})
        assert r.status_code == 200 and Decimal(r.json()["cost"]) == Decimal("4800.00"), r.text
        r = c.put(f"{API}/working-days/2024-10", headers=h, json={"days": 14})
        assert r.status_code == 409 and "120" in r.text, r.text  # 112 < the 120 booked
        annotator = login(c, "ann1")
        assert c.put(f"{API}/working-days/2024-10", headers=annotator,
                     json={"days": 20}).status_code == 403
