"""Application-effect verification of point-cloud cuboid labels: a classifier on each cuboid.

A 3D detector learns an object's class from the points inside its cuboid and from the cuboid's
size, so the check trains a small classifier on just that. Each labelled cuboid of the sampled
frames is described by

* its size: length, width and height sorted (a cuboid drawn with length and width swapped is
  the same object), their logarithms' differences, the volume's logarithm;
* its points: how many lie inside (log), their density per cubic metre (log), the vertical
  spread of those points over the cuboid's height, the share in its upper half, and the mean
  and spread of their intensity;
* where it is: the distance from the sensor (points thin out with range).

scikit-learn's logistic regression (on standardised features; all of them are dense and
bounded) is cross-validated in stratified k-fold with a frame's cuboids in one fold
(:mod:`datamill.modalities.effect_classifier`): macro-F1 beside the most-frequent-label baseline,
F1 per label, a learning curve, and the cuboids whose label the model contradicts most
confidently (``second_look``: the frame, the cuboid's index and id, its size). It checks
labels, not how tight a cuboid is.

Cuboids all of one label are refused with ``effect_one_class`` (read from the stored labels,
before any point cloud is read); fewer than 10 cuboids in 2 labels, with ``effect_too_few``. Nothing downloads; the
same seed gives the same report.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput, MissingDependency
from datamill.modalities.base import ItemRecord
from datamill.modalities.effect_classifier import (
    UNREADABLE_SHOWN,
    cross_validate,
    refuse_one_class,
    without_paths,
)
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation
from datamill.modalities.pointcloud.segmentation import _inside as inside

__all__ = ["CuboidEffectEvaluator", "cuboid_features"]

_INSTALL = "pip install 'datamill[pointcloud]'"


def cuboid_features(points: Any, c: Cuboid) -> list[float]:
    """The 13 numbers describing cuboid ``c`` in a frame's ``points`` (N x 4)."""
    import numpy as np

    a, b, h3 = sorted((c.length, c.width, c.height), reverse=True)
    volume = c.length * c.width * c.height
    mask = inside(points[:, :3], c, margin=0.05)
    own = points[mask]
    n = len(own)
    if n:
        z = own[:, 2]
        bottom = c.z - c.height / 2
        spread = float(z.max() - z.min()) / c.height
        upper = float(np.mean(z > bottom + c.height / 2))
        intensity = own[:, 3]
        i_mean, i_std = float(intensity.mean()), float(intensity.std())
    else:
        spread = upper = i_mean = i_std = 0.0
    return [a, b, h3, math.log(a / b), math.log(b / h3), math.log(volume), math.log1p(n),
            math.log1p(n / volume), spread, upper, i_mean, i_std, math.hypot(c.x, c.y)]


class CuboidEffectEvaluator:
    """Collects the labelled cuboids' features, then cross-validates a classifier on them."""

    default_sample: ClassVar[int] = 200
    #: the plugin's cap (a run is synchronous, bounded by its cost)
    max_sample: ClassVar[int] = PointCloudPlugin.effect_max_sample
    method: ClassVar[str] = ("cuboid classifier: size, points inside, intensity, range; "
                             "scikit-learn logistic regression, stratified group k-fold")

    def __init__(self, requirements: Mapping[str, Any], *, seed: int = 0) -> None:
        if importlib.util.find_spec("sklearn") is None:
            raise MissingDependency(
                f"training the classifier needs scikit-learn: {_INSTALL}",
                package="scikit-learn", install=_INSTALL)
        self.seed = seed
        self._features: list[list[float]] = []
        self._labels: list[str] = []
        self._where: list[tuple[str, int, int, str | None, list[float]]] = []
        self._frames = 0
        # frames held unread while every cuboid seen is of one class: a sample of one class is
        # refused from its stored labels alone, before any point cloud is read
        self._held: list[tuple[ItemRecord, list[Cuboid]]] = []
        self._classes: set[str] = set()
        self._unreadable: list[dict[str, str]] = []

    def add(self, item: ItemRecord, payload: Any) -> None:
        ann = PointCloudAnnotation.model_validate(payload or {})
        if not ann.objects:
            return
        self._classes.update(c.label for c in ann.objects)
        if len(self._classes) < 2:  # noqa: PLR2004
            self._held.append((item, list(ann.objects)))
            return
        for held, cuboids in self._held:  # a held frame's error is its own, not this item's
            try:
                self._read(held, cuboids)
            except (InvalidInput, OSError) as err:
                self._unreadable.append({"external_id": held.external_id,
                                         "error": without_paths(err)})
        self._held = []
        self._read(item, list(ann.objects))

    def _read(self, item: ItemRecord, cuboids: list[Cuboid]) -> None:
        points = read_cloud(item.readable).points
        for k, c in enumerate(cuboids):
            self._features.append(cuboid_features(points, c))
            self._labels.append(c.label)
            self._where.append((item.external_id, self._frames, k, c.id,
                                [round(v, 2) for v in (c.length, c.width, c.height)]))
        self._frames += 1

    def result(self) -> dict[str, Any]:
        import numpy as np

        refuse_one_class([c.label for _, cuboids in self._held for c in cuboids])
        cv = cross_validate(np.array(self._features, dtype=float).reshape(-1, 13), self._labels,
                            _model, seed=self.seed, groups=[w[1] for w in self._where],
                            group_kind="label")
        where = [self._where[i] for i in cv.kept]
        skipped = {k: v for k, v in (("label_under_2_objects", len(self._labels) - len(cv.kept)),
                                     ("unreadable", len(self._unreadable))) if v}
        return {
            "task": "cuboid labels (cuboid classifier)",
            **cv.report,
            "items_scored": len({w[1] for w in where}),
            "objects_scored": len(where),
            **({"skipped": skipped} if skipped else {}),
            **({"unreadable": self._unreadable[:UNREADABLE_SHOWN]} if self._unreadable else {}),
            "second_look": [
                {"external_id": where[i][0], "value": round(cv.confidence[i], 4),
                 "why": "model_contradicts", "label": cv.labels[i],
                 "model_says": cv.predicted[i], "object": where[i][2], "id": where[i][3],
                 "size_m": where[i][4],
                 "text": f"#{where[i][2]}{f' {where[i][3]}' if where[i][3] else ''} "
                         f"({' × '.join(str(v) for v in where[i][4])} m)"}
                for i in cv.contradicted()],
        }


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000, C=1.0,
                                                              class_weight="balanced"))
