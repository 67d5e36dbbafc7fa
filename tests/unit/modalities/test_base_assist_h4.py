"""The modality contract's review and pre-annotation pieces (:mod:`datamill.modalities.base_assist`):
a reviewer of an image, text or point-cloud task chooses among that modality's reasons, worded
in English and zh-CN, never speech's audio and transcript ones (a modality that names none gets
the generic ones, where the review page fell back to speech's list); image and point-cloud
pre-annotations count the labels they propose, as text ones did."""

from __future__ import annotations

import pytest

from datamill.modalities.base_assist import (
    GENERIC_REVIEW_REASONS,
    labels_proposed_of,
    review_reasons_of,
)
from datamill.modalities.registry import get_modality
from datamill.web.i18n import translator

SPEECH_ONLY = {"wrong_words", "noise", "segmentation", "speaker", "recording"}


@pytest.mark.parametrize("name", ["image", "text", "pointcloud", "llm", "speech.asr", "speech.tts"])
def test_each_modality_rejects_with_its_own_reasons_in_both_languages(name: str) -> None:
    reasons = review_reasons_of(get_modality(name))
    assert "other" in reasons
    en, zh = translator("en"), translator("zh-CN")
    for code in reasons:
        key = f"rv.reason.{code}"
        assert en(key) != key and zh(key) != key, (name, code)
    if name == "speech.tts":
        return
    if name != "speech.asr":
        assert not SPEECH_ONLY & set(reasons), (name, reasons)
    else:  # speech keeps its list
        assert reasons == ("wrong_words", "noise", "segmentation", "speaker", "recording",
                           "guidelines", "other")


def test_a_modality_naming_no_reasons_gets_generic_ones_not_speech_ones() -> None:
    class Plain:
        name = "plain"

    assert review_reasons_of(Plain()) == GENERIC_REVIEW_REASONS
    assert not SPEECH_ONLY & set(GENERIC_REVIEW_REASONS)


def test_image_and_point_cloud_pre_annotations_count_their_labels() -> None:
    image = labels_proposed_of(get_modality("image"))
    assert image is not None
    assert image({"type": "image_annotation", "objects": [
        {"kind": "box", "label": "car", "x": 1, "y": 1, "w": 2, "h": 2}], "classes": ["day"]}) == 2
    assert image({"type": "image_annotation", "objects": [], "classes": []}) == 0
    cloud = labels_proposed_of(get_modality("pointcloud"))
    assert cloud is not None
    cuboid = {"label": "car", "x": 0, "y": 0, "z": 0, "length": 4, "width": 2, "height": 1.5,
              "yaw": 0}
    assert cloud({"type": "pointcloud_annotation", "objects": [cuboid, cuboid],
                  "classes": [], "point_labels": [[0, 10], [3, 5], [0, 2], [3, 1]]}) == 3
    assert cloud({"type": "pointcloud_annotation"}) == 0
