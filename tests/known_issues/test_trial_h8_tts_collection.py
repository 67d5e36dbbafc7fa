"""A new user's TTS collection (trial h8): a studio spec asks for 48 kHz 24-bit takes.

* The collection page wrote every take as 16-bit PCM, so each one failed the format check
  ("bit depth 16-bit, spec requires 24-bit") whatever the subject did. The page now records at
  the spec's bit depth (the visit names it, the page's ``data-bits``), the upload is checked
  against it, and a TTS spec that names no format gets its modality's 48 kHz 24-bit.
* A take the checks rejected came back to the subject as one merged reason
  (``"format: …; clipping: …; noise_floor: …"``) said to be asked for by people; now one
  reason per failed check, asked by the checks, each check with advice in en and zh-CN.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from datamill.collection import staff, subject
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.demo.tts import tts_spec
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import espeak_available, synthesize
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests._tools import require_tool

PROMPT = "今天天气很好。"
SRC = Path(__file__).resolve().parents[2] / "src" / "datamill"


def _project(rt: Runtime, users: dict[str, User], audio: dict[str, Any] | None) -> tuple[int, str]:
    spec = tts_spec("zh-CN", "tts-h8")
    if audio is None:
        del spec["requirements"]["audio"]
    else:
        spec["requirements"]["audio"] = audio
    spec["collection"] = {"age_bands": [{"name": "20-35", "min": 20, "max": 35}],
                          "cells": [{"name": "女声 20-35", "age_band": "20-35",
                                     "gender": "female", "speakers": 1, "hours": 10}]}
    with rt.session() as s:
        pid = create_project(s, spec).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, pid, "我同意录音。")
        staff.add_prompts(s, pm, pid, [PROMPT, "我们明天去公园。"])
        token = str(staff.create_invite(s, pm, pid, "spk-h8")["token"])
    with rt.session() as s:
        subject.give_consent(s, token, "张三", version=1)
        subject.set_demographics(s, token, gender="female", age=28)
    return pid, token


def _take(tmp: Path, subtype: str, *, spoil: bool = False) -> bytes:
    path = synthesize(PROMPT, tmp / f"{subtype}-{spoil}.wav", voice="cmn", sample_rate_hz=48000,
                      lead_ms=400, trail_ms=500, subtype=subtype, seed=3 if spoil else 1)
    if not spoil:
        return path.read_bytes()
    data, sr = sf.read(path, dtype="float64")  # too loud (clipped) over a noisy room
    noisy = np.clip(data * 8 + np.random.default_rng(5).normal(0, 0.03, data.size), -1, 1)
    buf = io.BytesIO()
    sf.write(buf, noisy, sr, subtype=subtype, format="WAV")
    return buf.getvalue()


def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")


def test_the_page_records_at_the_specs_bit_depth(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    _espeak()
    _pid, token = _project(runtime, users, {"sample_rate_hz": 48000, "bit_depth": 24,
                                            "channels": 1})
    with runtime.session() as s:
        state = subject.collection_state(s, token)
        assert (state["sample_rate_hz"], state["bit_depth"]) == (48000, 24)
        first = state["prompts"][0]["id"]
    with TestClient(create_app(runtime)) as c:
        page = c.get(f"/collect/{token}")
        assert page.status_code == 200
        assert 'data-rate="48000" data-bits="24"' in page.text
        visit = c.get("/api/v1/collect/visit", headers={"X-Collect-Token": token}).json()
        assert visit["bit_depth"] == 24
    with runtime.session() as s, pytest.raises(InvalidInput, match="must be 24-bit PCM WAV"):
        subject.upload_recording(s, runtime.blobs, token, first, _take(tmp_path, "PCM_16"))
    with runtime.session() as s:
        out = subject.upload_recording(s, runtime.blobs, token, first, _take(tmp_path, "PCM_24"))
    assert not [r for r in out["reasons"] if r.startswith("format:")], out["reasons"]


def test_a_tts_spec_without_a_format_records_at_the_modalitys(
    runtime: Runtime, users: dict[str, User],
) -> None:
    _pid, token = _project(runtime, users, None)
    with runtime.session() as s:
        state = subject.collection_state(s, token)
    assert (state["sample_rate_hz"], state["bit_depth"]) == (48000, 24)


def test_rejected_take_reasons_one_each_asked_by_the_checks(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    _espeak()
    _pid, token = _project(runtime, users, {"sample_rate_hz": 48000, "bit_depth": 24,
                                            "channels": 1})
    with runtime.session() as s:
        first = subject.collection_state(s, token)["prompts"][0]["id"]
        out = subject.upload_recording(s, runtime.blobs, token, first,
                                       _take(tmp_path, "PCM_24", spoil=True))
    assert not out["passed"]
    failed = {r.split(":")[0] for r in out["reasons"]}
    assert {"clipping", "noise_floor"} <= failed, out["reasons"]
    with TestClient(create_app(runtime)) as c:
        for _ in range(2):  # the visit that opens the re-record request, and the next one
            visit = c.get("/api/v1/collect/visit", headers={
                "X-Collect-Token": token, "Accept-Language": "zh-CN"}).json()
            row = visit["prompts"][0]
            assert row["state"] == "rerecord"
            assert row["asked_by"] == "checks"
            assert row["reasons"] == out["reasons"]  # one entry per failed check
            assert row["checks"] == [r.split(":")[0] for r in out["reasons"]]


def _check_codes() -> set[str]:
    """Every check a speech or TTS take can fail, as its reasons name it."""
    found: set[str] = set()
    for path in [*(SRC / "modalities" / "speech").glob("*.py"),
                 *(SRC / "modalities" / "tts").glob("*.py"), SRC / "production" / "checking.py"]:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'CheckOutcome\(\s*name="([a-z_]+)"', text))
        found |= set(re.findall(r'_range_outcome_ms\(\s*"([a-z_]+)"', text))
    return found


def test_every_check_a_subject_can_fail_has_advice_in_both_languages() -> None:
    codes = _check_codes()
    assert {"noise_floor", "reverberation", "session_level", "prompt_pronounceable",
            "clipping", "duration"} <= codes, codes
    missing = sorted(f"{lang}: collect.fix.{c}" for lang, words in (("en", EN), ("zh-CN", ZH_CN))
                     for c in codes if f"collect.fix.{c}" not in words)
    assert not missing
    for c in codes:
        assert re.search(r"[\u4e00-\u9fff]", ZH_CN[f"collect.fix.{c}"])
        assert "您" in ZH_CN[f"collect.fix.{c}"] or "请" in ZH_CN[f"collect.fix.{c}"]


def test_a_collection_of_more_channels_than_the_page_records_is_refused(
    runtime: Runtime,
) -> None:
    """The page records one channel: a stereo spec with a collection section would fail every
    take's format check, so it is refused at create, with its other problems at once."""
    spec = tts_spec("zh-CN", "tts-stereo")
    spec["requirements"]["audio"] = {"sample_rate_hz": 48000, "bit_depth": 24, "channels": 2}
    spec["collection"] = {"age_bands": [{"name": "adult", "min": 18, "max": 65}],
                          "cells": [{"name": "any", "age_band": "adult", "speakers": 1}]}
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as refused:
            create_project(s, spec)
        assert refused.value.details["reason_code"] == "collection_channels"
        assert refused.value.details["channels"] == 2
        assert "records one (mono)" in refused.value.message
        both = {**spec, "acceptance": {"phone_accuracy": 0.95}}
        with pytest.raises(InvalidInput) as refused:
            create_project(s, both)
        assert "boundary_accuracy: required" in refused.value.message
        assert "requirements.audio.channels" in refused.value.message
        s.rollback()
        create_project(s, {**spec, "name": "tts-stereo-files",
                           "collection": None})  # imported files: two channels are fine
