"""A file whose decoder crashes the process (a segfault in a native decoder on a hostile file)
used to end ``datamill data import`` with exit 139 and no output, ``--json`` or not: each new
file's probe (the modality's ``describe``) ran in the CLI's own process. It now runs in a worker
process, 100 files a call (``production._import_probe``): the hostile file is refused
``import_decoder_crashed`` (English and zh-CN), the others are imported, ``--json`` prints.

The crash is real (the worker gets ``SIGSEGV``); what triggers it is a test modality's decoder
(``_crashing_decoder``): no shipped decoder segfaults reliably on a file we can write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from datamill.config import get_settings
from datamill.modalities import registry
from datamill.testing.images import render_object_scene
from tests._cli import run_cli
from tests.unit.production._crashing_decoder import HOSTILE, SegfaultingImages
from tests.unit.production.image_helpers import image_spec


@pytest.fixture
def segfaulting(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(registry.modalities._extra, SegfaultingImages.name, SegfaultingImages)
    yield SegfaultingImages.name
    registry._instances.pop(SegfaultingImages.name, None)


@pytest.mark.slow  # two worker processes started and killed: ~6 s on a loaded 2-core machine
def test_a_crashing_file_is_refused_and_the_import_prints_its_json(
    segfaulting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, folder = tmp_path / "home", tmp_path / "delivery"
    folder.mkdir()
    for i in range(2):
        render_object_scene(i, objects=1).save(folder / f"scene{i}.png")
    (folder / "zz_hostile.png").write_bytes(HOSTILE + b"\x89PNG not really")
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(image_spec(name="crashy", modality=segfaulting)),
                         encoding="utf-8")
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run_cli(home, "project", "create", str(spec_file), "--as", "root", "--json")

    proc = run_cli(home, "data", "import", "crashy", str(folder), "--as", "root", "--json")
    report = json.loads(proc.stdout)  # before: this process died of SIGSEGV here
    assert (report["imported"], report["rejected"]) == (2, 1)
    (refused,) = report["rejections"]
    assert refused["source"].endswith("zz_hostile.png")
    assert refused["code"] == "import_decoder_crashed" and refused["tries"] == "2"
    assert "crashed the import's worker process" in refused["reason"]

    # zh-CN: the CLI words the refusal from its code
    from datamill.cli.data import _rejection_words

    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert "读取此文件时导入的工作进程崩溃" in _rejection_words(refused)
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
