"""A small image project for the loop tests: rendered scenes with exact ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datamill.modalities.image.schema import ImageAnnotation
from datamill.testing.images import render_object_scene, render_ocr_scene, write_bad_images

IMAGE_REQUIREMENTS: dict[str, Any] = {
    "image": {
        "allowed_formats": ["PNG", "JPEG"], "max_pixels": 10_000_000, "min_width": 64,
        "min_height": 64, "min_aspect_ratio": 0.2, "max_aspect_ratio": 8.0, "min_sharpness": 1.0,
        "max_overexposed_fraction": 0.5, "max_underexposed_fraction": 0.5,
        "min_mean_luminance": 20.0, "max_mean_luminance": 250.0, "max_duplicate_distance": 4,
    },
    "labels": {"labels": [{"name": "car", "kinds": ["box"]}, {"name": "person", "kinds": ["box"]},
                          {"name": "text", "kinds": ["text_line"]}]},
    "iou_threshold": 0.5,
}


def image_spec(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "test-image", "modality": "image", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 3,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"region_accuracy": 0.95, "character_accuracy": 0.95},
        "requirements": IMAGE_REQUIREMENTS,
    }
    base.update(overrides)
    return base


def image_folder(folder: Path) -> dict[str, ImageAnnotation]:
    """4 object scenes (PNG and JPEG), 2 OCR scenes and 2 unusable files; the ground truth."""
    truth: dict[str, ImageAnnotation] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(4):
        scene = render_object_scene(i, objects=3)
        name = f"objects{i}.{'png' if i % 2 else 'jpg'}"
        scene.image.save(folder / name, quality=95) if name.endswith("jpg") else scene.save(
            folder / name)
        truth[f"objects{i}"] = scene.annotation
    for i in range(2):
        scene = render_ocr_scene(i, language="en")
        scene.save(folder / f"ocr{i}.png")
        truth[f"ocr{i}"] = ImageAnnotation(objects=tuple(
            o.model_copy(update={"label": "text"}) for o in scene.annotation.objects))
    bad = write_bad_images(folder / "bad")
    for name in ("good", "blurred", "dark", "duplicate", "near_duplicate"):
        bad[name].unlink()
    return truth


def make_image_project(rt: Any, users: dict[str, Any], folder: Path, n: int = 2) -> int:
    """A checked image project of ``n`` rendered object scenes (PNG), everyone in it, packaged
    for annotation and review (no pre-annotation); returns its id."""
    from datamill.compliance.users import add_member
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.production.projects import create_project
    from datamill.production.tasks import create_packages

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        render_object_scene(i, objects=2).save(folder / f"scene{i}.png")
    with rt.session() as s:
        p = create_project(s, image_spec(name=f"image-{folder.name}", package_size=10))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with rt.session() as s:
        import_source(s, rt.blobs, pid, folder)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    return pid
