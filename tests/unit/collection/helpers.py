"""A small collection project: quotas, a consent text, prompts, espeak-ng recordings."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from datamill.collection import staff
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import synthesize

PROMPTS = ["the quick brown fox jumps over the lazy dog",
           "a stitch in time saves nine",
           "every cloud has a silver lining"]
COLLECTION = {
    "age_bands": [{"name": "18-39", "min": 18, "max": 39}, {"name": "40-99", "min": 40, "max": 99}],
    "cells": [{"name": "young women", "age_band": "18-39", "gender": "female", "speakers": 1},
              {"name": "young men", "age_band": "18-39", "gender": "male", "items": 2},
              {"gender": "other", "hours": 0.0005}],
}


def collect_spec(name: str = "collect", **collection: Any) -> dict[str, Any]:
    return {
        "name": name, "modality": "speech.asr", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"],
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {"read_speech": False},
        "collection": {**COLLECTION, **collection},
    }


def collection_project(rt: Runtime, users: dict[str, User], **collection: Any) -> int:
    with rt.session() as s:
        p = create_project(s, collect_spec(**collection))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, p.id, "I agree that my voice is recorded for this project.")
        staff.add_prompts(s, pm, p.id, PROMPTS)
        return p.id


def invite(rt: Runtime, users: dict[str, User], project_id: int, subject: str) -> str:
    with rt.session() as s:
        return str(staff.create_invite(s, s.merge(users["pm"]), project_id, subject)["token"])


def speech(tmp: Path, text: str, name: str, rate: int = 16000) -> bytes:
    """A take of ``text``; takes of other names differ in their noise floor, as two real
    recordings always differ (the collection refuses an exact copy of a take it has)."""
    seed = zlib.crc32(name.encode("utf-8"))
    return synthesize(text, tmp / name, sample_rate_hz=rate, seed=seed).read_bytes()
