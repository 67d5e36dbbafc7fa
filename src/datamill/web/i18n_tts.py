"""English strings of the speech.tts multi-tier workbench, merged into ``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_TTS"]

EN_TTS: dict[str, str] = {
    "tts.title": "TTS labelling",
    "tts.hint": "Drag a boundary to move it (a shared boundary moves both intervals); click an "
                "interval or a prosody mark to select it and type its label; keys 1-4 set the "
                "prosodic boundary level (#1 word, #2 phrase, #3 intonation phrase, #4 "
                "sentence) at the end of the selected interval; Split halves the selected interval, Delete "
                "removes it (its time becomes silence); Ctrl+Enter submits.",
    "tts.waveform": "Waveform",
    "tts.spectrogram": "Spectrogram",
    "tts.tier.words": "Words",
    "tts.tier.syllables": "Syllables",
    "tts.tier.phones": "Phones",
    "tts.tier.pos": "Part of speech",
    "tts.tier.stress": "Stress",
    "tts.tier.tones": "Tones",
    "tts.tier.prosody": "Prosody",
    "tts.label": "Label of the selection",
    "tts.none_selected": "Nothing selected",
    "tts.source": "Boundaries placed by",
    "tts.source.pocketsphinx": "forced alignment (PocketSphinx): check them",
    "tts.source.proportional": "an even spread over the voiced audio: correct every one",
    "tts.source.manual": "a person",
    "tts.prompt": "Prompt",
    "tts.play": "Play",
    "tts.submit": "Submit",
    "tts.submitting": "Submitting…",
    "tts.failed": "Not submitted",
    "tts.audio_failed": "The audio could not be decoded in this browser; the tiers still work.",
    "tts.cmp.phone_accuracy": "phone accuracy",
    "tts.cmp.boundary_shift": "mean boundary shift",
    "tts.cmp.prosody_accuracy": "prosody accuracy",
    "rv.reason.boundaries": "Boundaries misplaced",
    "rv.reason.phones": "Wrong phones",
    "rv.reason.prosody": "Wrong prosody levels",
    "tts.split": "Split",
    "tts.delete": "Delete",
}
