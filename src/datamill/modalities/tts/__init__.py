"""The ``speech.tts`` modality: studio recordings of one voice reading a designed corpus."""
