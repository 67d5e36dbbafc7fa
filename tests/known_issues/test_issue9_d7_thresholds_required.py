"""Issue 9, defect 7: thresholds (sampling level/AQL, acceptance accuracies) are project settings
with no silent defaults; a spec without them is refused naming the field path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.demo.script import DEMO_SPEC
from datamill.production.inspection import start_inspection
from datamill.production.models import Batch, Project
from datamill.production.projects import create_project, project_spec
from datamill.production.spec import parse_spec
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec


def _without(path: str) -> dict[str, Any]:
    data = copy.deepcopy(spec())
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    del node[last]
    return data


@pytest.mark.parametrize(
    "path",
    [
        "sampling",
        "acceptance",
        "sampling.inspection_level",
        "sampling.aql",
        "acceptance.character_accuracy",
        "acceptance.sentence_accuracy",
    ],
)
def test_a_spec_without_a_threshold_is_refused_naming_it(path: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_spec(_without(path))
    assert f"{path}: required" in str(err.value)


def test_the_demo_spec_sets_every_threshold_explicitly() -> None:
    raw = yaml.safe_load(DEMO_SPEC.read_text(encoding="utf-8"))
    assert set(raw["sampling"]) >= {"inspection_level", "aql"}
    assert set(raw["acceptance"]) == {"character_accuracy", "sentence_accuracy"}
    parse_spec(raw)


def test_stored_values_are_kept_and_nothing_is_defaulted(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = create_project(s, spec(
            name="strict", sampling={"inspection_level": "III", "aql": 1.0},
            acceptance={"character_accuracy": 0.99, "sentence_accuracy": 0.8},
        ))
        parsed, _ = project_spec(s, p.id)
        assert parsed.sampling.inspection_level == "III" and parsed.sampling.aql == 1.0
        assert parsed.acceptance.character_accuracy == 0.99
        # a row whose stored spec lacks thresholds is not inspected under invented ones
        bare = Project(name="bare", modality="speech.asr", language="en-US",
                       project_type="custom_service", data_owner="customer", spec={})
        s.add(bare)
        s.flush()
        batch = Batch(project_id=bare.id, name="b1")
        s.add(batch)
        s.flush()
        with pytest.raises(InvalidInput, match="has no sampling in its spec"):
            start_inspection(s, batch.id, users["insp"])
