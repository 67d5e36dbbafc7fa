"""The ``text`` modality (NLP): documents or lines, their checks, annotations and formats.

Building blocks, none of which touches the database or the production loop:

* :mod:`.schema`: item attributes, the label schema, :class:`~.schema.TextAnnotation` and its
  validator. Character offsets are Python ``str`` indices (Unicode code points), half-open.
* :mod:`.textio`: strict UTF-8 reading (byte offset of the first bad byte), normalisation
  (NFKC + full/half width), tokenisation for CoNLL and scoring.
* :mod:`.sources`: TXT/CSV/JSONL/Parquet corpora into one ``.txt`` file per item plus a JSONL
  manifest the loop's importer reads.
* :mod:`.checks`: per-item checks and the collection checks (exact and MinHash near-duplicates).
* :mod:`.metric`: the QC scorer (seqeval-convention span P/R/F1, token and label accuracy).
* :mod:`.aggregate`: aggregation units and merging for overlap > 1.
* :mod:`.exporters`, :mod:`.importers`, :mod:`.preannotators` (jieba, gazetteer).

Heavy third-party libraries (lingua, datasketch, jieba, spaCy, pyarrow) are imported inside the
functions that use them (the ``text`` extra provides them).
"""

from __future__ import annotations

__all__: list[str] = []
