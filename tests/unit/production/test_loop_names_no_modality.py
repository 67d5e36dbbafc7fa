"""The loop names no modality (ARCHITECTURE.md): what the collection page cannot record is the
plugin's to say (``collection_refusal``, :func:`datamill.modalities.base.collection_refusal_of`).
``production.spec`` used to read ``requirements.audio.channels`` itself; speech (and TTS, in
``tests/known_issues/test_trial_h8_tts_collection.py``) now refuses more than one channel, and a
modality without the hook is never refused for it."""

from __future__ import annotations

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.base import collection_refusal_of
from datamill.modalities.registry import get_modality
from datamill.production.spec import parse_spec
from tests.unit.production.helpers import spec

_COLLECTION = {"age_bands": [{"name": "adult", "min": 18, "max": 65}],
               "cells": [{"name": "any", "age_band": "adult", "speakers": 1}]}


def test_speech_refuses_a_stereo_collection_and_nothing_else() -> None:
    stereo = {"read_speech": False, "audio": {"sample_rate_hz": 16000, "channels": 2}}
    with pytest.raises(InvalidInput) as refused:
        parse_spec(spec(requirements=stereo, collection=_COLLECTION))
    assert refused.value.details["reason_code"] == "collection_channels"
    assert refused.value.details["field"] == "requirements.audio.channels"
    assert refused.value.details["channels"] == 2
    assert "records one (mono)" in refused.value.message
    parse_spec(spec(requirements=stereo))  # no collection section: stereo imports are fine
    parse_spec(spec(requirements=stereo, collection=_COLLECTION),
               kept={"character_accuracy": 0.97})  # a stored project keeps loading
    _, mono = parse_spec(spec(collection=_COLLECTION))
    assert collection_refusal_of(get_modality("speech.asr"), mono) is None
    image = get_modality("image")
    assert not hasattr(image, "collection_refusal")
    assert collection_refusal_of(image, mono) is None
    assert collection_refusal_of(get_modality("speech.asr"), None) is None


def test_the_manifest_aliases_of_speech_are_the_plugins() -> None:
    """Speech's manifest column names (``utterance_id``, ``region``, Common Voice's
    ``sentence``) are the plugin's ``manifest_field_aliases``; the loop reads them in the
    order it always did."""
    from datamill.modalities.registry import manifest_field_aliases
    from datamill.production._import_rows import ManifestRow, _aliases

    assert manifest_field_aliases()["prompt"] == ("transcript", "sentence")
    aliases = _aliases()
    assert aliases["id"] == ("id", "utterance_id")
    assert aliases["accent"] == ("accent", "region")
    assert aliases["prompt"] == ("prompt", "text", "transcript", "sentence")
    row = ManifestRow.model_validate({"audio": "a.wav", "utterance_id": "u1", "region": "GB",
                                      "sentence": "hello"})
    assert (row.path, row.id, row.accent, row.prompt) == ("a.wav", "u1", "GB", "hello")
