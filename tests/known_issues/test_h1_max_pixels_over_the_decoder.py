"""h1 trial (M3): a spec with ``requirements.image.max_pixels: 500000000`` was accepted, yet a
20000x20000 JPEG (400 Mpx) was refused at import "as a decompression bomb (... exceeds limit of
178956970 pixels ...)": Pillow's own limit silently overruled the project manager's threshold.
A new spec, or a change to the threshold, asking for more than the decoder takes is now refused
naming the most (``max_pixels_over_decoder``, worded in en and zh-CN); a stored spec that
already says more keeps it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.production.models import Project
from datamill.production.projects import create_project
from datamill.production.spec_edit import update_spec
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

MOST = 178_956_970  # Pillow: 2 x Image.MAX_IMAGE_PIXELS


def _spec(max_pixels: int, name: str = "aerial") -> dict[str, Any]:
    requirements = copy.deepcopy(IMAGE_REQUIREMENTS)
    requirements["image"]["max_pixels"] = max_pixels
    return image_spec(name=name, requirements=requirements)


def test_a_new_spec_above_the_decoder_is_refused_naming_the_most(runtime: Runtime) -> None:
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        create_project(s, _spec(500_000_000))
    assert err.value.details == {"reason_code": "max_pixels_over_decoder",
                                 "field": "requirements.image.max_pixels",
                                 "value": 500_000_000, "most": MOST}
    assert f"ask for at most {MOST}" in err.value.message
    with runtime.session() as s:
        assert create_project(s, _spec(MOST)).id > 0  # the most itself is taken


def test_raising_a_stored_threshold_above_it_is_refused_and_a_stored_one_kept(
    runtime: Runtime,
) -> None:
    with runtime.session() as s:
        pid = create_project(s, _spec(40_000_000)).id
    with runtime.session() as s, pytest.raises(InvalidInput, match="max_pixels: 500000000 is"):
        update_spec(s, pid, {"requirements": {"image": {"max_pixels": 500_000_000}}})
    with runtime.session() as s:  # a project an older datamill stored with more
        project = s.get(Project, pid)
        assert project is not None
        stored = copy.deepcopy(project.spec)
        stored["requirements"]["image"]["max_pixels"] = 500_000_000
        project.spec = stored
        s.commit()
    with runtime.session() as s:  # changing something else keeps it
        out = update_spec(s, pid, {"package_size": 5})
        assert out.spec["requirements"]["image"]["max_pixels"] == 500_000_000


def test_the_api_words_it_in_the_callers_language(runtime: Runtime,
                                                   users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as client:
        headers = {**login(client, "pm"), "Accept-Language": "zh-CN"}
        r = client.post(f"{API}/projects", json=_spec(500_000_000), headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        f"requirements.image.max_pixels 最多为 {MOST}：datamill 解码的像素不超过此数（Pillow 的解压"
        "炸弹上限），更大的文件无论规格如何设置都会被拒收；您设置的是 500000000。")
