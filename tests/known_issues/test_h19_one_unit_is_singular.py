"""The deliveries page read "1 items · 1 hours" style lines: "10 items · 1 hours" for one hour
of audio, "1 item · 1 dialogues" for one dialogue. The shared unit wording (``tc('unit', code,
shown)``, :func:`datamill.web.routes._common.code_label`) takes the singular for a volume shown
as "1" in English; every other number, and Chinese (no plural), read as before."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.shown_numbers import shown_volume
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import translator
from datamill.web.routes._common import code_label
from tests.known_issues._web import visible_text_nodes, web_login
from tests.known_issues.test_trial_h6_delivered_files_are_copies import _accepted_llm_batch
from tests.unit.production.test_delivery_rejection import API, _auth


def test_the_unit_after_a_shown_one_is_singular_in_english_only() -> None:
    en, zh = code_label(translator("en")), code_label(translator("zh-CN"))
    said = [f"{shown_volume(v)} {en('unit', 'hours', shown_volume(v))}"
            for v in (1, 1.0, 1.0001, 0, 1.5, 10, 0.999)]
    assert said == ["1 hour", "1 hour", "1.0001 hours", "0 hours", "1.5 hours", "10 hours",
                    "0.999 hours"]
    for unit, one in (("images", "image"), ("dialogues", "dialogue"), ("items", "item"),
                      ("frames", "frame"), ("characters", "character")):
        assert en("unit", unit, "1") == one and en("unit", unit, "2") == unit
        assert en("unit", unit) == unit  # no number given: as before
        assert zh("unit", unit, "1") == zh("unit", unit, "2") == zh("unit", unit)
    assert en("unit", "kchars", "1") == "thousand characters"  # no singular of its own
    assert zh("unit", "kchars", "1") == "千字符"


def test_the_deliveries_page_says_one_dialogue(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    batch_id = _accepted_llm_batch(runtime, users, tmp_path, n=1)
    app = create_app(runtime)
    with TestClient(app) as api:
        r = api.post(f"{API}/batches/{batch_id}/deliveries", headers=_auth(api, "pm"), json={})
        assert r.status_code == 201, r.text
        project_id = r.json()["project_id"]
    for lang, words, wrong in (("en", "1 item · 1 dialogue", "1 dialogues"),
                               ("zh-CN", "1 个条目 · 1 段对话", "dialogue")):
        web = TestClient(app, headers={"Accept-Language": lang})
        web_login(web, "pm")
        page = web.get(f"/projects/{project_id}/deliveries")
        assert page.status_code == 200, page.text
        text = " ".join(visible_text_nodes(page.text))
        assert words in text and wrong not in text, (lang, text)
