"""A quota refusal is stored as a code with its parameters (``meta.quota``: ``code``,
``params``) beside the English sentence, and pages word it from those: a value holding the
sentence's own separators (an accent ``north, urban``) is worded right in zh-CN, where reading
the sentence back by pattern left it in English codes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.users import add_member
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.quota_words import quota_reason
from datamill.server import create_app
from tests._api import web_sign_in

from .helpers import collect_spec
from .test_quota_speaker_ids import _deliver


def test_quota_reasons_are_codes_worded_at_display(runtime, users, tmp_path):
    cells = [{"name": "southern women", "gender": "female", "accent": "south", "speakers": 1}]
    manifest = _deliver(tmp_path, "a", ["s1", "s2"], 0)
    rows = manifest.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace('"gender": "female"', '"gender": "female", "accent": "north, urban"')
    rows[0] = rows[0].replace('"gender": "female"', '"gender": "female", "accent": "south"')
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, collect_spec(cells=cells, age_bands=[], on_full="set_aside")).id
        add_member(s, pid, users["pm"], actor_id=None)
        import_source(s, runtime.blobs, pid, manifest)
        item = s.query(Item).filter_by(project_id=pid, external_id="a1").one()
        mark, reasons = item.meta["quota"], list(item.reject_reasons)
        s.commit()
    assert mark["code"] == "no_cell"
    assert mark["params"] == {"profile": {"gender": "female", "accent": "north, urban"}}
    assert reasons == [f"quota: {mark['reason']}"]
    assert mark["reason"] == ("no quota cell of this project takes speakers with"
                              " gender=female, accent=north, urban")
    want = "本项目没有接收此类说话人的配额单元：女，口音：north, urban"
    assert quota_reason("zh-CN", reasons[0], mark) == want
    assert quota_reason("en", reasons[0], mark) == reasons[0]
    with TestClient(create_app(runtime)) as c:
        web_sign_in(c, "pm")
        page = c.get(f"/projects/{pid}/items?status=rejected",
                     headers={"Accept-Language": "zh-CN"}).text
    shown = re.findall(r'data-testid="item-reasons">(.*?)</td>', page, re.DOTALL)
    assert shown == [want], shown
