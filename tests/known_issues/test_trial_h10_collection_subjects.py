"""Trial h10 (round of 2026-12-07), collection: a subject is one person in any letter case
(invited as ``spk01``, enrolled as ``SPK01``), yet resetting their demographics looked the id up
exactly, so ``reset-demographics spk01`` answered "no subject" (an uncoded 404, English only on
a zh-CN page). It now finds the subject as the invitation does, and an unknown id is refused
with the code ``collection_subject_unknown``, worded in zh-CN too."""

from __future__ import annotations

import pytest

from datamill.collection.staff import reset_demographics
from datamill.collection.subject import give_consent, set_demographics
from datamill.compliance.models import User
from datamill.core.errors import NotFound
from datamill.modalities.problem_words import word_error
from datamill.runtime import Runtime
from tests.unit.collection.helpers import collection_project, invite


def test_reset_demographics_finds_the_subject_in_any_case(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "SPK01")
    with runtime.session() as s:
        give_consent(s, token, "Sam Subject", 1)
        assert set_demographics(s, token, gender="female", age=21)["enrolled"]
    with runtime.session() as s:
        out = reset_demographics(s, s.merge(users["pm"]), pid, "spk01")  # was NotFound
        assert out["subject_id"] == "SPK01" and out["previous"]["gender"] == "female"
        with pytest.raises(NotFound) as err:
            reset_demographics(s, s.merge(users["pm"]), pid, "nobody")
    assert err.value.details["reason_code"] == "collection_subject_unknown"
    said, _ = word_error(err.value.message, err.value.details, "zh-CN")
    assert "受试者" in said and "nobody" in said, said
