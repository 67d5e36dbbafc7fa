"""``qc inspect|complete`` print each score once: ``defective_utterances`` (the older name of
``defective_items``, kept in the JSON for old readers) is not repeated beside it, which read as
"defective utterances" on a text or LLM batch."""

from __future__ import annotations

from datamill.cli import _common, quality
from datamill.production.schemas import InspectionOut


def test_completed_inspection_names_defective_items_once() -> None:
    view = InspectionOut(
        id=1, batch_id=1, status="completed", verdict="accepted",
        plan={"lot_size": 3, "level": "II", "aql": 4.0, "code_letter": "A", "sample_size": 3,
              "accept": 0, "reject": 1},
        scores={"agreement": 1.0, "defective_items": 0, "defective_utterances": 0},
        reasons=[], sample=[])
    with _common.out.capture() as captured:  # rich's own capture: the console is untouched
        quality._render_inspection(view)
    text = captured.get()
    assert "defective items 0" in text and "utterances" not in text
