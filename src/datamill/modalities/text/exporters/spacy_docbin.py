"""spaCy ``DocBin`` files (``corpus-00000.spacy`` ...; 1,000 documents each), read with
``DocBin().from_disk(path).get_docs(spacy.blank(lang).vocab)``.

Each document has the item's words (its segmentation, or tokens split at span boundaries) with
``spaces`` that reproduce the text exactly (a span that ends inside a word of the
segmentation is widened to whole words), ``doc.ents`` (non-nested spans), every span in
``doc.spans["sc"]`` (nesting kept), POS tags in ``token.tag_``, classes in ``doc.cats`` (1.0)
and the item id and sentiment in ``doc.user_data``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Final

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ExportManifest
from datamill.modalities.text.exporters._common import flat_spans, sha256_file, token_offsets
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import Span

__all__ = ["SpacyDocBinExporter", "to_doc"]

_SHARD: Final = 1000


def to_doc(vocab: Any, item: TextExportItem) -> Any:
    """The item as a spaCy ``Doc`` over ``vocab``."""
    from spacy.tokens import Doc

    tokens = token_offsets(item)
    text = item.text
    words: list[str] = []
    spaces: list[bool] = []
    if tokens and tokens[0][0] > 0:  # leading whitespace is a token of its own
        words.append(text[: tokens[0][0]])
        spaces.append(False)
    for n, (start, end, _) in enumerate(tokens):
        nxt = tokens[n + 1][0] if n + 1 < len(tokens) else len(text)
        gap = text[end:nxt]
        words.append(text[start:end])
        spaces.append(gap == " ")
        if gap and gap != " ":  # other whitespace becomes a token of its own, as spaCy does
            words.append(gap[1:] if gap.startswith(" ") else gap)
            spaces[-1] = gap.startswith(" ")
            spaces.append(False)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:
        raise InvalidInput(f"item {item.id}: its words do not rebuild its text for spaCy")
    tags = {start: pos for start, _, pos in tokens if pos}
    for tok in doc if tags else ():  # a token object each: 3 s of 300,000 tokens with no tags
        if tok.idx in tags:
            tok.tag_ = tags[tok.idx]
    ann = item.annotation

    def span(s: Span) -> Any:
        made = doc.char_span(s.start, s.end, label=s.label) or doc.char_span(
            s.start, s.end, label=s.label, alignment_mode="expand")  # a span inside a word
        if made is None:
            raise InvalidInput(f"item {item.id}: span [{s.start}, {s.end}) does not fall on word"
                               " boundaries")
        return made

    doc.ents = [span(s) for s in flat_spans(ann.spans)]
    doc.spans["sc"] = [span(s) for s in ann.spans]
    doc.cats = {c: 1.0 for c in ann.classes}
    doc.user_data["id"] = item.id
    if ann.sentiment:
        doc.user_data["sentiment"] = ann.sentiment
    return doc


class SpacyDocBinExporter:
    """``corpus-NNNNN.spacy`` DocBin shards."""

    name: ClassVar[str] = "spacy_docbin"

    def export(self, items: Iterable[TextExportItem], out_dir: Path) -> ExportManifest:
        import spacy
        from spacy.tokens import DocBin

        out_dir.mkdir(parents=True, exist_ok=True)
        vocab = spacy.blank("xx").vocab
        files: dict[str, str] = {}
        n = 0
        shard = DocBin(store_user_data=True)

        def flush() -> None:
            name = f"corpus-{len(files):05d}.spacy"
            shard.to_disk(out_dir / name)
            files[name] = sha256_file(out_dir / name)

        for item in items:
            shard.add(to_doc(vocab, item))
            n += 1
            if len(shard) >= _SHARD:
                flush()
                shard = DocBin(store_user_data=True)
        if len(shard) or not files:
            flush()
        return ExportManifest(format=self.name, items=n, files=files)
