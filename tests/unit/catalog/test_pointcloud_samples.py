"""A point-cloud catalog entry's samples were bare links to ``samples/<sha>.bin`` (raw bytes a
browser downloads): a customer could not look at one before buying, as it listens to a speech
sample or looks at an image one. The page now shows each in the point-cloud viewer, read-only
and without labels, from ``/catalog/releases/{id}/samples/{i}/preview`` (the modality's
preview: its valid points as float32 x, y, z, intensity)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from datamill.catalog import releases
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people
from tests.unit.catalog.test_labelled_datasheet import _lidar_release
from tests.unit.catalog.test_modality_volume import _image_release


def test_a_customer_sees_a_point_cloud_sample_in_the_viewer(
        runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = _lidar_release(runtime, who, tmp_path)
    img_ds, img_rel = _image_release(runtime, who, tmp_path / "img")
    with runtime.session() as s:
        sample = releases.sample_path(s, who["cust"], rel_id, 0)
    valid = read_cloud(sample).points
    valid = valid[np.isfinite(valid[:, :3]).all(axis=1)]
    with TestClient(create_app(runtime)) as client:
        web_login(client, "cust", "password1")
        page = client.get(f"/catalog/{ds_id}").text
        assert 'data-testid="catalog-sample-cloud-0"' in page
        url = re.search(r'data-points-url="([^"]+)"', page)
        assert url and url.group(1) == f"/catalog/releases/{rel_id}/samples/0/preview"
        assert 'data-readonly="1"' in page  # a sample is looked at, never edited
        assert f'href="/catalog/releases/{rel_id}/samples/0"' not in page  # no bare link
        got = client.get(url.group(1))
        assert got.status_code == 200 and len(got.content) == 16 * len(valid)
        assert np.allclose(np.frombuffer(got.content, "<f4").reshape(-1, 4)[:, :3],
                           valid[:, :3])
        token = client.post("/api/v1/auth/token",
                            json={"username": "cust", "password": "password1"}).json()
        api = client.get(f"/api/v1/catalog/releases/{rel_id}/samples/0/preview",
                         headers={"Authorization": f"Bearer {token['access_token']}"})
        assert api.status_code == 200 and api.content == got.content  # the API's the same
        images = client.get(f"/catalog/{img_ds}").text
        assert "<img" in images and "catalog-sample-cloud" not in images
        assert client.get(f"/catalog/releases/{img_rel}/samples/0/preview").status_code == 404
