"""The zh-CN finance overview showed an English "h" beside the speech cost per hour
("(0 h; 每验收小时单价 …)"); the unit is worded through the catalogue (``fin.hours_short``)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login


def test_the_speech_hours_unit_speaks_chinese(runtime: Runtime, users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        for lang, unit in (("zh-CN", "小时"), ("en", "h")):
            opened, sep = ("（", "；") if lang == "zh-CN" else (r" \(", "; ")  # h7: full-width
            c.cookies.set("lang", lang)
            page = c.get("/finance")
            assert page.status_code == 200, page.text
            para = re.search(r'data-testid="speech-cost">(.*?)</p>', page.text, re.S)
            assert para is not None
            assert re.search(rf"{opened}\S+ {unit}{sep}", para.group(1)), (lang, para.group(1))
