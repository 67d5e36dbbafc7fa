"""A text (NER) project made through the CLI, for the tests of the text commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.unit.cli.test_cli import run
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def text_spec(name: str) -> dict[str, Any]:
    return {"name": name, "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}


def imported_text_project(tmp_path: Path, name: str, texts: dict[str, str]) -> Path:
    """A home with the admin ``root`` and project ``name`` holding ``texts`` (file name →
    text), imported and not yet checked; returns the home."""
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    folder = tmp_path / "texts"
    folder.mkdir()
    for file_name, text in texts.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(text_spec(name), allow_unicode=True), encoding="utf-8")
    run(home, "project", "create", str(spec_file), "--as", "root", "--json")
    run(home, "data", "import", name, str(folder), "--as", "root", "--json")
    return home
