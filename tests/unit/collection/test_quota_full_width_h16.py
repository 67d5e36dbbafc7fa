"""Quota cells match an accent (device, gender) typed in full-width letters through a Chinese
IME: ``ｅｎ－ＧＢ`` is the cell ``en-GB`` (NFKC), and two cells spelling one accent both ways
are one cell, refused. Before, the full-width speaker matched no cell (outside every quota)
and the two cells were accepted."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from datamill.collection.quotas import matches, profile
from datamill.production.collection_spec import CollectionSpec


def test_full_width_accents_match_their_cell() -> None:
    spec = CollectionSpec.model_validate(
        {"cells": [{"name": "gb", "accent": "en-GB", "gender": "female", "speakers": 2}]})
    speaker = profile(spec, {"accent": "ｅｎ－ＧＢ", "gender": "Ｆ"})
    assert matches(spec.cells[0], speaker), speaker
    with pytest.raises(ValidationError, match="name the same speakers"):
        CollectionSpec.model_validate({"cells": [
            {"name": "a", "accent": "en-GB", "speakers": 1},
            {"name": "b", "accent": "ｅｎ－ＧＢ", "speakers": 1}]})
