"""Text exporters: CoNLL-2003/IOB2, spaCy DocBin, JSONL and Parquet for HF ``datasets``."""

from __future__ import annotations

__all__: list[str] = []
