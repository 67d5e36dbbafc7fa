"""Speech recognition (ASR) modality: checks, alignment, pre-annotation, exports."""
