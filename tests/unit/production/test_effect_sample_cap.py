"""A spec's ``effect.min_sample`` against what one run of its modality can sample.

Gap found after the effect section landed: ``min_sample`` was checked only against the loop's
own cap (5000), not the modality's (speech decodes at most 400 clips a run), so a speech spec
asking for 1000 was accepted and every run's verdict then failed for too few items. Now such a
spec is refused with ``effect_min_sample_cap`` naming the cap (en + zh-CN), on every face that
sets a spec (``datamill project create`` / ``set-spec``, the API's create and ``PATCH
/projects/{id}/spec``; the web has no spec form), and nothing is written (SQLite and
PostgreSQL).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.image.effect import ImageEffectEvaluator
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.pointcloud.effect import CuboidEffectEvaluator
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.problem_words import word_reason
from datamill.modalities.speech.effect import SpeechEffectEvaluator
from datamill.modalities.speech.plugin import SpeechAsrPlugin
from datamill.production.effect_evaluation import MAX_SAMPLE
from datamill.production.models import Project
from datamill.production.projects import create_project
from datamill.production.spec import parse_spec
from datamill.production.spec_edit import update_spec
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.production.helpers import spec as speech_spec
from tests.unit.production.test_effect_evaluation import _text_spec

_HAN = re.compile(r"[\u4e00-\u9fff]")
SPEECH_CAP = 400


def test_each_plugins_cap_is_its_evaluators() -> None:
    """One number each: what a run samples at most, and what a spec may ask for."""
    for plugin, evaluator in ((SpeechAsrPlugin, SpeechEffectEvaluator),
                              (ImagePlugin, ImageEffectEvaluator),
                              (PointCloudPlugin, CuboidEffectEvaluator)):
        assert plugin.effect_max_sample == evaluator.max_sample <= MAX_SAMPLE
    assert SpeechAsrPlugin.effect_max_sample == SPEECH_CAP


def test_a_min_sample_above_the_modalitys_cap_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_spec(speech_spec(effect={"threshold": 0.3, "min_sample": 1000}))
    details = refused.value.details
    assert details["reason_code"] == "effect_min_sample_cap"
    assert (details["field"], details["most"], details["value"]) == (
        "effect.min_sample", SPEECH_CAP, 1000)
    assert refused.value.message.startswith("invalid dataset spec: effect.min_sample")
    english, chinese = word_reason(details, "en"), word_reason(details, "zh-CN")
    assert english == ("effect.min_sample may be at most 400 for modality speech.asr: one run "
                       "samples at most 400 items, so no run could score the 1000 asked for.")
    assert chinese is not None and _HAN.search(chinese) and "您" in chinese
    assert "400" in chinese and "1000" in chinese and "：" in chinese and chinese.endswith("。")
    # at the cap it is kept; 401 is refused; text (no cap of its own) takes the loop's most
    assert parse_spec(speech_spec(effect={"threshold": 0.3, "min_sample": SPEECH_CAP}))[
        0].effect.min_sample == SPEECH_CAP  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        parse_spec(speech_spec(effect={"threshold": 0.3, "min_sample": SPEECH_CAP + 1}))
    text = _text_spec(["classification"])
    text["effect"] = {"threshold": 0.5, "min_sample": MAX_SAMPLE}
    assert parse_spec(text)[0].effect.min_sample == MAX_SAMPLE  # type: ignore[union-attr]


def test_every_face_that_sets_a_spec_refuses_it(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    with runtime.session() as s:
        pid = create_project(s, speech_spec(effect={"threshold": 0.3}), actor_id=None).id
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as refused:  # the service
            update_spec(s, pid, {"effect": {"threshold": 0.3, "min_sample": 1000}})
        assert refused.value.details["reason_code"] == "effect_min_sample_cap"
        s.rollback()
    with TestClient(create_app(runtime)) as api:
        pm = login(api, "pm")
        bad = api.patch(f"{API}/projects/{pid}/spec",
                        json={"effect": {"threshold": 0.3, "min_sample": 1000}},
                        headers={**pm, "Accept-Language": "zh-CN"})
        assert bad.status_code == 422, bad.text
        assert bad.json()["reason_code"] == "effect_min_sample_cap"
        assert "400" in bad.json()["detail"] and "您" in bad.json()["detail"]
        made = api.post(f"{API}/projects", headers=login(api, "admin"), json=speech_spec(
            name="too-many", effect={"threshold": 0.3, "min_sample": 401}))
        assert made.status_code == 422 and made.json()["reason_code"] == "effect_min_sample_cap"
        ok = api.patch(f"{API}/projects/{pid}/spec", headers=pm,
                       json={"effect": {"threshold": 0.3, "min_sample": 400}})
        assert ok.status_code == 200 and ok.json()["spec"]["effect"]["min_sample"] == 400
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    cli = run_cli(home, "project", "set-spec", str(pid), "effect.min_sample=1000", "--as", "pm",
                  "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert json.loads(cli.stdout)["error"]["reason_code"] == "effect_min_sample_cap"
    zh = run_cli(home, "project", "set-spec", str(pid), "effect.min_sample=1000", "--as", "pm",
                 ok=False, DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "effect.min_sample 最多为 400" in zh.stdout + zh.stderr
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(speech_spec(
        name="too-many", effect={"threshold": 0.3, "min_sample": 1000})), encoding="utf-8")
    created = run_cli(home, "project", "create", str(spec_file), "--as", "admin", "--json",
                      ok=False, DATAMILL_DATABASE_URL=url)
    assert json.loads(created.stdout)["error"]["reason_code"] == "effect_min_sample_cap"
    with runtime.session() as s:  # nothing written by a refusal
        project = s.get(Project, pid)
        assert project is not None and project.spec["effect"]["min_sample"] == 400
        assert s.query(Project).filter(Project.name == "too-many").count() == 0
