"""GIF: a folder import takes ``.gif`` files (as the labelled importers and a spec's
``allowed_formats`` do), and an animated image is refused at check with words (h9)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from datamill.core.check_fail_words import check_fail_sentence
from datamill.modalities.image.checks import run_image_checks
from datamill.modalities.image.plugin import ImagePlugin
from datamill.production._import_rows import iter_source_rows
from tests.unit.modalities.image.test_checks import REQ, _scene

GIF_REQ = REQ.model_copy(update={"allowed_formats": ("GIF", "PNG"), "min_sharpness": 0.0})


def _frames(count: int) -> list[Image.Image]:
    return [_scene(seed=seed).quantize(64) for seed in range(count)]


def test_a_folder_import_takes_gif_files(tmp_path: Path) -> None:
    _frames(1)[0].save(tmp_path / "still.gif")
    _scene().save(tmp_path / "photo.png")
    rows = list(iter_source_rows(tmp_path, suffixes=ImagePlugin.media_suffixes,
                                 prompt_sidecars=False))
    assert sorted(r.filename for r in rows if r.error is None) == ["photo.png", "still.gif"]


def test_an_animated_image_is_refused_with_words(tmp_path: Path) -> None:
    still, *more = _frames(3)
    still.save(tmp_path / "still.gif")
    still.save(tmp_path / "moving.gif", save_all=True, append_images=more, duration=100)
    _scene().save(tmp_path / "moving.png", save_all=True, append_images=[_scene(seed=1)])

    outcomes = {o.name: o for o in run_image_checks(tmp_path / "still.gif", GIF_REQ)}
    assert "animation" not in outcomes and all(o.passed for o in outcomes.values())
    for name, frames in (("moving.gif", 3), ("moving.png", 2)):
        animation = {o.name: o for o in run_image_checks(tmp_path / name, GIF_REQ)}["animation"]
        assert not animation.passed and animation.value == frames
        assert animation.reason and f"{frames} frames" in animation.reason
        stored = {"name": "animation", "value": animation.value, "extra": animation.extra}
        assert check_fail_sentence(stored, "zh-CN") == (
            f"这是一张 {frames} 帧的动图：只标注静态图像，请把各帧作为单独的图像提交")
