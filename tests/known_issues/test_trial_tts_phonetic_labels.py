"""Found by a fresh-clone trial user on a zh-CN ``speech.tts`` project: ``POST
/tasks/{id}/annotations`` answered 201 to phonetic labels that then flowed into the MFA and
ESPnet exports: a syllable ``ni7`` (no tone 7; the tones tier still said 3) and ``xyz1`` (not
pinyin), an empty phones list, phones ``zh a1`` under ``qing3``, a word boundary 300 ms off its
syllable boundary and a word ``上海`` where the prompt says ``上``. Each is now refused (422)
with a message naming the tier, the interval and the fault; the valid annotation still goes in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.demo.tts import tts_spec
from datamill.production.annotating import submit_annotation
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.modalities.tts._helpers import ZH_PROMPT, zh_tiers


def _zh_project(rt: Runtime, members: list[User]) -> int:
    """A zh-CN TTS project with one passed 1.5 s item whose prompt is :data:`ZH_PROMPT`, in an
    annotate package (the row inserted directly: a submit reads no audio)."""
    with rt.session() as s:
        pid = create_project(s, tts_spec("zh-CN", "trial-tts-labels")).id
        for u in members:
            add_member(s, pid, u, actor_id=None)
    with rt.engine.begin() as conn:
        conn.execute(insert(Item), [{
            "project_id": pid, "external_id": "utt001", "sha256": "0" * 64,
            "filename": "utt001.wav", "size_bytes": 1, "status": "passed", "owner": "customer",
            "attributes": {"duration_ms": 1500, "sample_rate_hz": 22050, "channels": 1},
            "prompt": ZH_PROMPT, "meta": {}, "reject_reasons": [], "current_version": 0,
            "created_at": datetime.now(UTC)}])
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def _edit(tier: str, i: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d[tier][i].update(values)


def _qing_as_zh_a1(d: dict[str, Any]) -> None:
    d["phones"][4]["label"], d["phones"][5]["label"] = "zh", "a1"


CASES = [
    pytest.param(_edit("syllables", 0, label="ni7"), "syllables[0]: 'ni7' has tone 7", id="ni7"),
    pytest.param(_edit("syllables", 2, label="xyz1"),
                 "syllables[2]: 'xyz1' is not a pinyin syllable", id="xyz1"),
    pytest.param(lambda d: d.update(phones=[]), "phones: empty, but the syllables tier has 4",
                 id="empty-phones"),
    pytest.param(_qing_as_zh_a1, "syllables[2]: 'qing3' at 520-720 ms is spelled q ing3, but its"
                 " phones are zh a1", id="phones-do-not-spell"),
    pytest.param(_edit("words", 0, start_ms=400), "words[0]: '你好' at 400-500 ms starts 100 ms "
                 "from its first syllable", id="word-edge-off"),
    pytest.param(_edit("words", 2, label="上海"), "words[2]: '上海' at 740-940 ms where the "
                 "prompt reads '上'", id="word-not-in-prompt"),
]


@pytest.mark.parametrize(("edit", "message"), CASES)
def test_the_service_refuses_each_trial_label(runtime: Runtime, users: dict[str, User],
                                              edit: Callable[[dict[str, Any]], None],
                                              message: str) -> None:
    pid = _zh_project(runtime, [users["ann1"]])
    bad = copy.deepcopy(zh_tiers())
    edit(bad)
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        with pytest.raises(InvalidInput) as err:
            submit_annotation(s, users["ann1"], task.id, bad, base_version=task.current_version)
        assert message in err.value.message, err.value.message
        out = submit_annotation(s, users["ann1"], task.id, zh_tiers(),
                                base_version=task.current_version)
        assert out.version == task.current_version + 1


def test_the_api_answers_422_naming_the_tier(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _zh_project(runtime, [users["ann1"]])
    client = TestClient(create_app(runtime))
    ann1 = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann1).json()
    url = f"{API}/tasks/{task['id']}/annotations"
    bad = copy.deepcopy(zh_tiers())
    bad["syllables"][0]["label"] = "ni7"
    r = client.post(url, json={"annotation": bad, "base_version": task["current_version"]},
                    headers=ann1)
    assert r.status_code == 422 and "syllables[0]: 'ni7' has tone 7" in r.text, r.text
    r = client.post(url, json={"annotation": zh_tiers(), "base_version": task["current_version"]},
                    headers=ann1)
    assert r.status_code == 201, r.text
