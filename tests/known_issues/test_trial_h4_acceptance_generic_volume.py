"""A trial user read ``"delivered_hours": 7.0`` and ``"accepted_duration_ms": 6`` in the answer
to an image delivery's acceptance (7 images). The generic names were already there
(``delivered_items``, ``delivered_volume`` in ``volume_unit``, ``accepted_volume`` and
``accepted_volume_base`` in ``volume_base_unit``), and the CLI and the deliveries page show
them with the modality's unit; the older speech names are kept for older readers, and the
OpenAPI now says what they are (before: deprecated without a word, read as hours of audio)."""

from __future__ import annotations

from datetime import UTC, datetime

from datamill.production.schemas import DeliveryOut
from datamill.server import create_app

IMAGES = {"unit": "images", "base_unit": "images", "per_unit": 1, "amount": 7}


def test_an_image_delivery_speaks_in_images() -> None:
    d = DeliveryOut.model_validate({
        "id": 1, "batch_id": 1, "project_id": 1, "path": None, "formats": ["coco"],
        "status": "accepted", "delivered_items": 7, "delivered_volume": 7.0,
        "accepted_items": 6, "accepted_volume_base": 6,
        "datasheet": {"volume": IMAGES}, "created_at": datetime.now(UTC),
    }).model_dump(mode="json")
    assert (d["delivered_items"], d["delivered_volume"], d["volume_unit"]) == (7, 7.0, "images")
    assert (d["accepted_items"], d["accepted_volume"], d["accepted_volume_base"],
            d["volume_base_unit"]) == (6, 6.0, 6, "images")
    # the older speech names are kept for older readers, but only where true (trial H6: an LLM
    # delivery said "delivered_hours": 12.0): seven images are no hours, six no milliseconds
    assert d["delivered_hours"] is None and d["accepted_duration_ms"] is None
    assert d["delivered_utterances"] is None and d["accepted_utterances"] is None


def test_the_openapi_says_what_the_older_names_are() -> None:
    props = create_app().openapi()["components"]["schemas"]["DeliveryOut"]["properties"]
    for old, new in (("delivered_hours", "delivered_volume"),
                     ("accepted_duration_ms", "accepted_volume_base"),
                     ("delivered_utterances", "delivered_items"),
                     ("accepted_utterances", "accepted_items")):
        assert props[old].get("deprecated") is True, old
        assert new in (props[old].get("description") or ""), (old, props[old])
    assert "hours only for speech" in props["delivered_hours"]["description"]
    assert "null for other modalities" in props["delivered_hours"]["description"]
