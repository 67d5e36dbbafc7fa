"""Dataset specs: valid specs parse; each invalid key is named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.production.spec import load_spec, parse_spec
from tests.unit.production.helpers import spec


def test_valid_spec_parses_with_typed_requirements() -> None:
    parsed, req = parse_spec(spec(requirements={"audio": {"sample_rate_hz": 8000}}))
    assert parsed.modality == "speech.asr"
    assert parsed.data_owner == "customer"
    assert req.audio.sample_rate_hz == 8000  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"language": "english please"}, "language"),
        ({"project_type": "freelance"}, "project_type"),
        ({"overlap": 0}, "overlap"),
        ({"modality": "smell.nose"}, "unknown modality"),
        ({"stages": ["review"]}, "stages"),
        ({"sampling": {"aql": -1}}, "sampling.aql"),
        ({"sampling": {"inspection_level": "II", "aql": 2.7}}, "sampling.aql"),
        ({"requirements": {"audio": {"sample_rate_hz": 100}}}, "requirements.audio.sample_rate_hz"),
        ({"requirements": {"min_duration_ms": 5000, "max_duration_ms": 100}}, "requirements"),
        ({"requirements": {"noise_symbols": ["noise"]}}, "requirements"),
        ({"requirements": {"snr": 3}}, "requirements.snr"),
        ({"colour": "blue"}, "colour"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_invalid_spec_names_the_offending_key(override: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_spec(spec(**override))
    assert path in str(err.value)


def test_yaml_file_errors_are_readable(tmp_path: Path) -> None:
    bad = tmp_path / "spec.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_spec(bad)
    bad.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(InvalidInput, match="cannot read spec"):
        load_spec(bad)


def test_an_aql_without_a_plan_is_refused_at_creation() -> None:
    """AQL 2.7 has no ISO 2859-1 plan: refused when the project is made, naming the valid ones,
    not at the first inspection after all the work (a trial user met it there)."""
    with pytest.raises(InvalidInput, match=r"sampling\.aql: .*2\.7 is not an AQL.*2\.5, 4"):
        parse_spec(spec(sampling={"inspection_level": "II", "aql": 2.7}))
    parsed, _ = parse_spec(spec(sampling={"inspection_level": "II", "aql": 0.065}))
    assert parsed.sampling.aql == 0.065
