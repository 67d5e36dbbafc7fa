"""The collection part of the demo: a read-speech project with speaker quotas, a consent text,
five prompts and two subjects who record every prompt through the collection services (the same
path the browser page takes), with espeak-ng voices. One quota cell ends full, and a third
subject who would fall into it is refused.

Not wired into ``datamill demo``; call :func:`build_collection_demo` from there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from datamill.collection import staff, subject
from datamill.collection.quotas import quota_progress
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import synthesize

__all__ = ["CONSENT_TEXT", "PROMPTS", "build_collection_demo"]

PROMPTS = (
    "Please turn on the lights in the kitchen.",
    "What is the weather like in Shanghai tomorrow?",
    "Call my sister when I get home.",
    "Play some quiet music for the evening.",
    "Set an alarm for seven thirty in the morning.",
)
CONSENT_TEXT = (
    "Consent to voice recording (version 1)\n\n"
    "I agree that my voice is recorded for the speech corpus of this project, that the\n"
    "recordings and the answers I give about myself (gender, age, region, device) are stored\n"
    "and delivered to the customer, and that I may withdraw my consent at any time; withdrawn\n"
    "recordings leave every batch not yet delivered.\n\n"
    "本人同意为本项目的语音语料录音，录音及所填个人信息将被保存并交付客户；本人可随时撤回同意。"
)
SUBJECTS: tuple[tuple[str, str, dict[str, Any], str], ...] = (  # id, signature, demographics, voice
    ("spk-f-001", "Lin Mei", {"gender": "female", "age": 27, "accent": "north",
                              "device": "headset"}, "en-us+f3"),
    ("spk-m-001", "Wang Lei", {"gender": "male", "age": 34, "accent": "south",
                               "device": "phone"}, "en-us+m3"),
)
SPEC: dict[str, Any] = {
    "name": "collection-demo", "modality": "speech.asr", "language": "en-US",
    "project_type": "custom_service", "stages": ["annotate", "review"],
    "description": "Read speech collected in the browser with speaker quotas.",
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    "requirements": {"audio": {"sample_rate_hz": 16000}, "read_speech": False},
    "collection": {
        "age_bands": [{"name": "18-39", "min": 18, "max": 39},
                      {"name": "40-65", "min": 40, "max": 65}],
        "cells": [
            {"name": "women 18-39", "age_band": "18-39", "gender": "female", "speakers": 1},
            {"name": "men 18-39", "age_band": "18-39", "gender": "male", "speakers": 2,
             "hours": 0.5},
            {"name": "women 40-65", "age_band": "40-65", "gender": "female", "speakers": 2},
            {"name": "men 40-65", "age_band": "40-65", "gender": "male", "speakers": 2},
        ],
        "on_full": "flag",
    },
}


def _manager(session: Any) -> User:
    found = session.scalars(select(User).where(User.role == "project_manager",
                                               User.is_active.is_(True)).order_by(User.id)).first()
    if found is not None:
        return found  # type: ignore[no-any-return]
    import secrets

    return create_user(session, "collect_pm", secrets.token_urlsafe(12), "project_manager")


def build_collection_demo(runtime: Runtime, home: Path) -> dict[str, Any]:
    """Build the collection demo in ``runtime``; recordings are synthesised under ``home``.

    Returns the project id and name, the consent text version, the prompt count, per subject
    the invitation path and how many recordings passed, the refusal a third subject got from the
    full cell, and the quota progress."""
    audio_dir = Path(tempfile.mkdtemp(prefix="collection-demo-", dir=home))
    with runtime.session() as s:
        pm = _manager(s)
        project = create_project(s, SPEC, actor_id=pm.id)
        add_member(s, project.id, pm, actor_id=None)
        text = staff.set_consent_text(s, pm, project.id, CONSENT_TEXT)
        staff.add_prompts(s, pm, project.id, list(PROMPTS))
        invites = {sid: staff.create_invite(s, pm, project.id, sid)
                   for sid in [*(row[0] for row in SUBJECTS), "spk-f-002"]}
        s.commit()
        project_id, project_name = project.id, project.name
    subjects = []
    for sid, signature, demo, voice in SUBJECTS:
        token = str(invites[sid]["token"])
        with runtime.session() as s:
            subject.give_consent(s, token, signature, int(text["version"]))
            state = subject.set_demographics(s, token, **demo)
            s.commit()
            passed = 0
            for i, prompt in enumerate(state["prompts"]):
                wav = synthesize(prompt["text"], audio_dir / f"{sid}-{i}.wav", voice=voice,
                                 seed=i)
                out = subject.upload_recording(s, runtime.blobs, token, prompt["id"],
                                               wav.read_bytes())
                passed += bool(out["passed"])
        subjects.append({"subject_id": sid, "path": invites[sid]["path"],
                         "recorded": len(state["prompts"]), "passed": passed})
    refused = None
    with runtime.session() as s:  # a second young woman: her cell is full
        token = str(invites["spk-f-002"]["token"])
        subject.give_consent(s, token, "Zhao Xue", int(text["version"]))
        s.commit()
        try:
            subject.set_demographics(s, token, gender="female", age=24, accent="east")
        except Conflict as err:
            refused = err.message
        quotas = quota_progress(s, project_id)
    return {"project_id": project_id, "project": project_name,
            "consent_version": text["version"], "prompts": len(PROMPTS),
            "subjects": subjects, "refused": refused, "quotas": quotas}
