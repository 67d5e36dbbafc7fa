"""Trial h6 (round 3): a subject who left the recorder running sent more than an upload takes
(20 MiB: about 3.6 minutes at 48 kHz) and read, on a zh-CN page, "请求体超过了本服务器接受的
20,971,520 字节": bytes, nothing to do. The 413 of the recording route now carries a reason code
the page words in the subject's language (read once, press Stop, record again)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.collection import staff, subject
from datamill.collection.subject import MAX_UPLOAD_BYTES
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.collection.helpers import collect_spec


def test_a_recording_too_long_to_send_is_worded_for_the_subject(
        runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        p = create_project(s, collect_spec("too-long"))
        add_member(s, p.id, users["pm"], actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, p.id, "I agree.")
        staff.add_prompts(s, pm, p.id, ["one two three"])
        token = str(staff.create_invite(s, pm, p.id, "s1")["token"])
        s.commit()
    with runtime.session() as s:
        subject.give_consent(s, token, "Ann Lee", version=1)
        prompt = subject.set_demographics(s, token, gender="female", age=30)["prompts"][0]["id"]
        s.commit()
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"/api/v1/collect/visit/prompts/{prompt}/recording",
                   content=b"\0" * (MAX_UPLOAD_BYTES + 1),
                   headers={"X-Collect-Token": token, "Accept-Language": "zh-CN",
                            "Content-Type": "application/octet-stream"})
        assert r.status_code == 413
        assert r.json()["reason_code"] == "recording_too_long"
        page = c.get(f"/collect/{token}", headers={"Accept-Language": "zh-CN"}).text
        # the page's words for the code, in the strings it hands its script (JSON, escaped)
        assert json.dumps("这条录音太长，无法上传")[1:-1] in page
