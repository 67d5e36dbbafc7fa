"""Text importers (pre-labelled data): CoNLL (IOB2), spaCy JSON, datamill's text JSONL.

Each yields ``(text file, TextAnnotation, item id, where)``: the text is written as a UTF-8
``.txt`` file named after the item id into ``media_dir`` (by default a new temporary folder),
the form the loop imports; the item keeps its id as the source gives it (a file name cannot
hold ``/``: ``a/b`` was imported as ``a_b``), and a problem with its labels names the source's
line or row (``data.jsonl:7``), not the text file made of it. A malformed source raises :class:`~datamill.modalities.text.errors.TextSourceError`
naming the file and line or row before anything is yielded (sources are read whole first).
"""

from __future__ import annotations

__all__: list[str] = []
