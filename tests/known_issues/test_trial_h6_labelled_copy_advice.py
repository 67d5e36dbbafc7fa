"""Trial h6 (import, round 3): a pre-labelled import's media file over the copy limit was
refused with the plain import's advice, "split it, or register it in place" (zh-CN: 以原位登记
（--in-place）方式导入), but a pre-labelled import cannot register in place: ``--format …
--in-place`` is refused, in English only. The refusal now advises what such an import can do,
and ``--in-place`` with ``--format`` is refused in words in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_reason
from datamill.production.labelled_import import import_labelled
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.known_issues.test_h21_labelled_import_caps import _yolo
from tests.unit.cli.test_cli import run
from tests.unit.production.image_helpers import image_spec


def test_a_pre_labelled_file_over_the_cap_is_not_told_to_register_in_place(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = sqlite_runtime
    src = _yolo(tmp_path / "yolo")
    monkeypatch.setattr(rt.settings, "max_archive_bytes", (src / "images" / "a.png").stat().st_size)
    with rt.session() as s:
        pid = create_project(s, image_spec(name="capped")).id
    with rt.session() as s, pytest.raises(InvalidInput) as caught:
        import_labelled(s, rt.blobs, pid, src, fmt="yolo")
    details = caught.value.details
    (each,) = details["each"]
    assert each["code"] == "labelled_file_too_large", each
    assert "in place" not in details["listed"] or "cannot register" in details["listed"]
    assert "split the file, or raise DATAMILL_MAX_ARCHIVE_BYTES" in details["listed"], details
    zh = word_reason(details, "zh-CN")
    assert zh is not None and "--in-place" not in zh and "请拆分该文件" in zh, zh
    assert "more than" not in zh, zh


def test_in_place_with_a_format_is_refused_in_words(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = _yolo(tmp_path / "yolo")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(image_spec(name="labelled")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    args = ("data", "import", "labelled", str(src), "--format", "yolo", "--in-place", "--as",
            "root")
    said = run(home, *args, "--json", ok=False)
    assert said.returncode == 2, said
    error = json.loads(said.stdout)["error"]
    assert error["reason_code"] == "labelled_in_place", error
    zh = run(home, *args, ok=False, DATAMILL_LANG="zh-CN")
    assert "带标注的导入会复制其文件" in zh.stdout + zh.stderr, zh
    assert "drop --in-place" not in zh.stdout + zh.stderr, zh
