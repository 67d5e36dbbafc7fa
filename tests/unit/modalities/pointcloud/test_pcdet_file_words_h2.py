"""h2: three OpenPCDet file-level refusals had no reason code and read in English whatever the
reader's language: a label file that is not a regular file (a folder, a FIFO), one over
``MAX_LABEL_BYTES``, and a cloud or label file reached through a link that leaves the dataset
folder. Each now carries a code, worded in English (as the message) and zh-CN."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml

from datamill.config import get_settings
from datamill.core.errors import DatamillError
from datamill.modalities.pointcloud.importers import MAX_LABEL_BYTES, OpenPcdetImporter
from datamill.modalities.problem_words import word_reason
from tests.unit.cli.test_cli import run
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


def _dataset(src: Path) -> None:
    (src / "points").mkdir(parents=True)
    (src / "labels").mkdir()
    np.save(src / "points" / "f1.npy", np.zeros((10, 4), dtype=np.float32))


def _folder_label(src: Path) -> None:
    _dataset(src)
    (src / "labels" / "f1.txt").mkdir()


def _huge_label(src: Path) -> None:
    _dataset(src)
    (src / "labels" / "f1.txt").write_bytes(b"\n" * (MAX_LABEL_BYTES + 1))


def _cloud_link(src: Path) -> None:
    _dataset(src)
    outside = src.parent / "outside.npy"
    np.save(outside, np.zeros((10, 4), dtype=np.float32))
    (src / "points" / "f2.npy").symlink_to(outside)


def _label_link(src: Path) -> None:
    _dataset(src)
    outside = src.parent / "outside.txt"
    outside.write_text("1 2 -1 4 2 1.5 0.3 car\n", encoding="utf-8")
    (src / "labels" / "f1.txt").symlink_to(outside)


CASES: list[tuple[Callable[[Path], None], str, str, str]] = [
    (_folder_label, "pcdet_not_regular", "f1.txt is not a regular file", "f1.txt 不是普通文件"),
    (_huge_label, "pcdet_too_large", "f1.txt is 1,048,577 bytes, more than the 1,048,576 a "
     "frame's cuboids take", "f1.txt 有 1,048,577 字节，超过一帧长方体标注的上限 1,048,576 字节"),
    (_cloud_link, "pcdet_link_outside", "f2.npy links outside the dataset folder",
     "f2.npy 是指向数据集文件夹之外的链接"),
    (_label_link, "pcdet_link_outside", "f1.txt links outside the dataset folder",
     "f1.txt 是指向数据集文件夹之外的链接"),
]


@pytest.mark.parametrize(("write", "code", "en", "zh"), CASES,
                         ids=["folder", "too-large", "cloud-link", "label-link"])
def test_each_file_level_refusal_is_coded_in_both_languages(
    tmp_path: Path, write: Callable[[Path], None], code: str, en: str, zh: str
) -> None:
    src = tmp_path / "src"
    write(src)
    with pytest.raises(DatamillError) as caught:
        list(OpenPcdetImporter().iter_items(src))
    details = caught.value.details
    assert details.get("reason_code") == code, (caught.value.message, details)
    assert caught.value.message == word_reason(details, "en") == en
    said = word_reason(details, "zh-CN")
    assert said is not None and said.startswith(zh), said


def test_the_cli_says_a_link_outside_in_chinese(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(pointcloud_spec("links")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    src = tmp_path / "src"
    _cloud_link(src)
    said = run(home, "data", "import", "links", str(src), "--format", "openpcdet",
               "--as", "root", "--json", ok=False)
    assert json.loads(said.stdout)["error"]["reason_code"] == "pcdet_link_outside"
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        said = run(home, "data", "import", "links", str(src), "--format", "openpcdet",
                   "--as", "root", ok=False)
    finally:
        get_settings.cache_clear()
    assert "f2.npy 是指向数据集文件夹之外的链接" in said.stdout + said.stderr
