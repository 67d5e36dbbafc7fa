"""A trial user's finding: Chinese text with full-width spaces (U+3000) or letters (ＡＢＣ) is
refused by the default ``require_normalized: true`` with "3 characters change under NFKC/width
normalisation" and no hint, and ``text prepare`` said nothing. The check's reason now says what
to do, and ``text prepare`` warns (library, CLI text and ``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from datamill.cli.text import app
from datamill.modalities.text.checks import run_text_checks
from datamill.modalities.text.schema import TextChecksRequirements
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

WIDE = ["张三　在　北京大学　工作。", "ＡＢＣ公司在上海。", "李娜在北京工作。"]
HINT = ("prepare the source with `datamill text prepare --normalize`, or set"
        " `require_normalized: false` in the spec's text requirements")


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "lines.txt"
    src.write_text("\n".join(WIDE) + "\n", encoding="utf-8")
    return src


def test_the_check_says_what_to_do() -> None:
    req = TextChecksRequirements.model_validate(TEXT_REQUIREMENTS["text"])
    out = {o.name: o for o in run_text_checks(WIDE[0].encode(), "a.txt", req)}
    assert not out["normalized"].passed
    assert out["normalized"].reason == (
        "3 characters change under NFKC/width normalisation (e.g. full-width letters, or U+3000"
        f" spaces): {HINT}")
    relaxed = req.model_copy(update={"require_normalized": False})
    out = {o.name: o for o in run_text_checks(WIDE[0].encode(), "a.txt", relaxed)}
    assert out["normalized"].passed
    assert out["normalized"].reason == "3 characters change under NFKC/width normalisation"


def test_prepare_warns_and_normalize_clears_it(tmp_path: Path) -> None:
    got = prepare_text_source(_source(tmp_path), tmp_path / "raw")
    assert (got.items, got.not_normalized, got.first_not_normalized) == (3, 2, "lines.txt:1")
    assert got.warnings == [
        "2 items (first: lines.txt:1) change under NFKC/width normalisation (full-width letters,"
        " digits or spaces such as U+3000), which a text project refuses by default"
        f" (require_normalized: true): {HINT}"]
    clean = prepare_text_source(_source(tmp_path), tmp_path / "clean", normalize=True)
    assert (clean.items, clean.not_normalized, clean.warnings) == (3, 0, [])


def test_prepare_cli_warns_in_text_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, [str(_source(tmp_path)), str(tmp_path / "a")])
    assert shown.exit_code == 0, shown.output
    assert "warning: 2 items (first: lines.txt:1)" in " ".join(shown.output.split())
    assert "datamill text prepare --normalize" in " ".join(shown.output.split())
    got = runner.invoke(app, [str(_source(tmp_path)), str(tmp_path / "b"), "--json"])
    assert got.exit_code == 0, got.output
    value = json.loads(got.output)
    assert value["not_normalized"] == 2 and len(value["warnings"]) == 1
    clean = runner.invoke(app, [str(_source(tmp_path)), str(tmp_path / "c"),
                                "--normalize", "--json"])
    assert json.loads(clean.output)["warnings"] == []


def test_the_import_names_the_fix(runtime: Runtime, tmp_path: Path) -> None:
    prepared = prepare_text_source(_source(tmp_path), tmp_path / "prepared")
    spec = {"name": "wide", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate"], "package_size": 10,
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    with runtime.session() as s:
        pid = create_project(s, spec).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, prepared.manifest)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert (summary.passed, summary.rejected) == (1, 2), summary
    assert [r["item"] for r in summary.rejections] == ["lines-000001", "lines-000002"]
    assert all(any(HINT in reason for reason in r["reasons"]) for r in summary.rejections)
