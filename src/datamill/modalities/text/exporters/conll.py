"""CoNLL-2003 with IOB2 tags: ``ner.conll`` plus ``index.jsonl``.

``ner.conll`` has the four CoNLL-2003 columns ``word POS chunk NER`` (POS ``_`` when the item
has no segmentation, chunk always ``O``), one blank-line separated block per item, each
preceded by ``-DOCSTART- -X- -X- O``. NER tags are IOB2 (``B-PER I-PER O``); nested spans keep
the outer one, and the manifest counts the inner ones under ``left_out`` (``nested_span``: the
delivery's datasheet lists them). Words are the item's segmentation, or tokens (every CJK character alone, runs
of letters/digits) split at span boundaries. ``index.jsonl`` has, per block, the item ``id``,
its exact ``text`` and the word ``offsets`` (code points), so the importer restores character
spans and ids exactly; whitespace inside a word is written as ``_``. So is whitespace inside a
label or a POS tag (``人 名`` as ``B-人_名``: a space would make it two columns, and a reader of
the last column would see ``名``); the block's ``labels`` in ``index.jsonl`` map each label or
tag so written back to the project's (``{"人_名": "人 名"}``) for the importer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from datamill.modalities.base import ExportManifest
from datamill.modalities.text.exporters._common import flat_spans, iob2, sha256_file, token_offsets
from datamill.modalities.text.item import TextExportItem

__all__ = ["ConllExporter"]

_SPACE = re.compile(r"\s")


class ConllExporter:
    """Writes ``ner.conll`` (CoNLL-2003, IOB2) and ``index.jsonl``."""

    name: ClassVar[str] = "conll"

    def export(self, items: Iterable[TextExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        conll, index = out_dir / "ner.conll", out_dir / "index.jsonl"
        n = nested = 0
        with conll.open("w", encoding="utf-8", newline="\n") as fc, \
                index.open("w", encoding="utf-8", newline="\n") as fi:
            for item in items:
                tokens = token_offsets(item)
                flat = flat_spans(item.annotation.spans)
                nested += len(item.annotation.spans) - len(flat)
                tags = iob2(tokens, flat)
                fc.write("-DOCSTART- -X- -X- O\n\n")
                for (start, end, pos), tag in zip(tokens, tags, strict=True):
                    word = _SPACE.sub("_", item.text[start:end])
                    fc.write(f"{word} {_SPACE.sub('_', pos or '_')} O {_SPACE.sub('_', tag)}\n")
                fc.write("\n")
                entry: dict[str, object] = {"id": item.id, "text": item.text,
                                            "offsets": [[a, b] for a, b, _ in tokens]}
                named = [s.label for s in flat] + [pos for _, _, pos in tokens if pos]
                spaced = {_SPACE.sub("_", v): v for v in named if _SPACE.search(v)}
                if spaced:
                    entry["labels"] = spaced
                fi.write(json.dumps(entry, ensure_ascii=False) + "\n")
                n += 1
        return ExportManifest(format=self.name, items=n, files={
            "ner.conll": sha256_file(conll), "index.jsonl": sha256_file(index)},
            left_out={"nested_span": nested} if nested else {})
