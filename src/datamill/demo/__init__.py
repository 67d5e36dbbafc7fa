"""The demo: a real ASR project built from speech synthesised on the spot with espeak-ng."""
