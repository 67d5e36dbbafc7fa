"""The generic ``collection:`` section of a dataset spec: speaker quotas by cell and how a
full cell is treated. Any modality that collects from people (speech, photos of faces,
handwriting) uses it; the collection domain (:mod:`datamill.collection`) enforces it.

A cell names any subset of the dimensions ``age_band``, ``gender``, ``accent`` (``region`` is
an alias: native region or accent) and ``device``, and sets one or more targets: distinct
``speakers``, ``hours`` of accepted recordings, accepted ``items``. Age bands are named in
``age_bands`` (``{"name": "18-29", "min": 18, "max": 29}``) and a subject's age falls into the
first band that holds it.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import partial
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from datamill.modalities.genders import canonical_gender

__all__ = ["DIMENSIONS", "AgeBand", "CollectionSpec", "QuotaCell", "canonical_gender"]

nfkc = partial(unicodedata.normalize, "NFKC")  # full-width letters typed through an IME

DIMENSIONS = ("age_band", "gender", "accent", "device")


class AgeBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    min: int = Field(ge=0, le=150)
    max: int = Field(ge=0, le=150)

    @model_validator(mode="after")
    def _ordered(self) -> AgeBand:
        if self.min > self.max:
            raise ValueError(f"age band {self.name!r}: min must not exceed max")
        return self


class QuotaCell(BaseModel):
    """One quota cell: the dimensions it fixes (unnamed ones match anything) and its targets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(None, max_length=100)
    age_band: str | None = Field(None, min_length=1, max_length=40)
    gender: str | None = Field(None, min_length=1, max_length=16)
    accent: str | None = Field(None, min_length=1, max_length=100)
    device: str | None = Field(None, min_length=1, max_length=100)
    speakers: int | None = Field(None, ge=1)
    hours: float | None = Field(None, gt=0)
    items: int | None = Field(None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _region(cls, data: Any) -> Any:
        if isinstance(data, dict) and "region" in data:
            data = dict(data)
            region = data.pop("region")
            if data.get("accent") not in (None, region):
                raise ValueError("give 'accent' or its alias 'region', not both")
            data["accent"] = region
        return data

    @model_validator(mode="after")
    def _has_target(self) -> QuotaCell:
        if self.speakers is None and self.hours is None and self.items is None:
            raise ValueError("a quota cell needs a target: speakers, hours and/or items")
        return self

    def dimensions(self) -> dict[str, str]:
        """The dimensions this cell fixes, by name."""
        return {d: v for d in DIMENSIONS if (v := getattr(self, d)) is not None}

    @property
    def label(self) -> str:
        return self.name or (" / ".join(f"{k}={v}" for k, v in self.dimensions().items())
                             or "everyone")


class CollectionSpec(BaseModel):
    """How a project collects from people.

    ``on_full``: an imported item whose speaker falls in a full cell is ``flag``\\ ged (kept,
    with a reason in the item's ``meta.quota``) or ``set_aside`` (status ``rejected`` with the
    reason). ``count_in_progress``: a cell's fullness counts recordings not yet checked and
    enrolled subjects without accepted recordings, so a cell is not over-filled while work is
    under way. ``allow_outside_cells``: a subject matching no cell may still enrol (default: no,
    when cells are set). ``invite_days``: how long a subject's invitation link lives.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    age_bands: tuple[AgeBand, ...] = ()
    cells: tuple[QuotaCell, ...] = ()
    on_full: Literal["flag", "set_aside"] = "flag"
    count_in_progress: bool = True
    allow_outside_cells: bool = False
    invite_days: int = Field(14, ge=1, le=365)

    @model_validator(mode="after")
    def _bands_known(self) -> CollectionSpec:
        names = [b.name for b in self.age_bands]
        if len(set(names)) != len(names):
            raise ValueError("age band names must be distinct")
        ordered = sorted(self.age_bands, key=lambda b: (b.min, b.max))
        for a, b in itertools.pairwise(ordered):  # trial h9: overlaps were silent
            if b.min <= a.max:
                raise ValueError(f"age bands {a.name!r} ({a.min}-{a.max}) and {b.name!r} "
                                 f"({b.min}-{b.max}) overlap: a subject aged {b.min} would "
                                 "count in one of them only; make them disjoint")
        seen: dict[tuple[tuple[str, str], ...], int] = {}
        for i, cell in enumerate(self.cells):
            if cell.age_band is not None and cell.age_band not in names:
                raise ValueError(f"cells[{i}].age_band {cell.age_band!r} is not one of the"
                                 f" age_bands ({', '.join(names) or 'none defined'})")
            key = tuple(sorted((d, canonical_gender(nfkc(v)) or v if d == "gender" else
                                nfkc(v).strip().casefold())
                               for d, v in cell.dimensions().items()))
            if key in seen:  # F and female are one gender: two cells counting the same people
                raise ValueError(f"cells[{seen[key]}] and cells[{i}] name the same speakers "
                                 f"({cell.label}): give one cell with all its targets")
            seen[key] = i
        return self

    def age_band(self, age: int | None) -> str | None:
        if age is None:
            return None
        return next((b.name for b in self.age_bands if b.min <= age <= b.max), None)
