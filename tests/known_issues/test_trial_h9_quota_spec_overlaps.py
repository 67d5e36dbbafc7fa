"""Trial h9 (project manager, read-speech quotas): a spec whose age bands overlap (18-29 and
25-40: a subject aged 27 counted in the first only, so the second's 25-29 never filled) or
whose two cells name the same speakers (gender F and gender female: one person counted in
both) was accepted silently. Both are refused now, naming the bands or the cells."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from datamill.production.collection_spec import CollectionSpec


@pytest.mark.parametrize(("spec", "said"), [
    ({"age_bands": [{"name": "18-29", "min": 18, "max": 29},
                    {"name": "25-40", "min": 25, "max": 40}],
      "cells": [{"age_band": "18-29", "speakers": 5}]},
     "age bands '18-29' (18-29) and '25-40' (25-40) overlap"),
    ({"cells": [{"gender": "female", "speakers": 5}, {"gender": "F", "hours": 2}]},
     "cells[0] and cells[1] name the same speakers (gender=F)"),
    ({"cells": [{"gender": "女", "accent": "四川", "speakers": 3},
                {"accent": " 四川", "gender": "female", "items": 100}]},
     "cells[0] and cells[1] name the same speakers"),
], ids=["bands", "gender-alias", "two-dimensions"])
def test_overlapping_bands_and_cells_counting_the_same_people_are_refused(
    spec: dict[str, object], said: str
) -> None:
    with pytest.raises(ValidationError, match=said.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        CollectionSpec.model_validate(spec)


def test_disjoint_bands_and_nested_cells_stay_accepted() -> None:
    spec = CollectionSpec.model_validate({
        "age_bands": [{"name": "18-29", "min": 18, "max": 29}, {"name": "30-40", "min": 30,
                                                                "max": 40}],
        "cells": [{"gender": "female", "speakers": 5}, {"gender": "male", "speakers": 5},
                  {"gender": "female", "accent": "四川", "speakers": 2},
                  {"age_band": "30-40", "speakers": 4}]})
    assert spec.age_band(29) == "18-29" and spec.age_band(30) == "30-40"
