"""A point-cloud delivery's page told the PM its language, formats and inspection verdict but
not what was delivered: no frames, no cuboids per label (a trial; the package's
``datasheet.json`` holds them). The deliveries page now shows the counts a modality's delivery
statistics state (images, frames, texts, objects, cuboids, entity spans, tracks) and the
labelled objects per label, in English and Chinese."""

from __future__ import annotations

from datamill.modalities.registry import get_modality
from datamill.web.delivery_sheet import sheet_view
from datamill.web.i18n import translator


def test_a_point_cloud_delivery_shows_its_frames_and_cuboids_per_label() -> None:
    sheet = {**get_modality("pointcloud").statistics().result(), "language": "en-US",
             "formats": ["openpcdet"], "frames": 12, "cuboids": 60, "tracks": 60,
             "labels": {"car": 18, "cyclist": 23, "pedestrian": 19}}
    figures = dict(sheet_view(sheet).figures)
    assert figures["dlv.ds.frames"] == "12" and figures["dlv.ds.cuboids"] == "60"
    assert figures["dlv.ds.labels"] == "car: 18 · cyclist: 23 · pedestrian: 19"
    for lang in ("en", "zh-CN"):
        tr = translator(lang)
        for key in figures:
            assert tr(key) != key, (lang, key)
    assert translator("zh-CN")("dlv.ds.cuboids") == "立体框数"


def test_an_image_delivery_shows_its_objects() -> None:
    sheet = {**get_modality("image").statistics().result(), "images": 30, "objects": 41,
             "labels": {"face": 41}}
    figures = dict(sheet_view(sheet).figures)
    assert figures["dlv.ds.images"] == "30" and figures["dlv.ds.labels"] == "face: 41"
