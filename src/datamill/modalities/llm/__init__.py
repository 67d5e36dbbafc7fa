"""The LLM-data modality: conversations (SFT), response preferences and rubric evaluations.

Building blocks, none of which touches the database or the production loop:

* :mod:`.records`: the item record (a prompt or conversation plus 0..k candidate responses with
  stable ids), its canonical ``.json`` file and the JSONL/JSON splitter the loop imports through.
* :mod:`.checks`: the spec's record thresholds and the automatic checks (empty turns, turn
  lengths, alternating roles, duplicate turns, language with lingua, a banned-word list).
* :mod:`.schema`: the four annotation documents (``llm_sft``, ``llm_pairwise``, ``llm_ranking``,
  ``llm_rubric``) and their validators.
* :mod:`.metric`: the QC scorer (agreement with the inspector).
* :mod:`.aggregate`: aggregation units and the merged payload (the aggregation contract).
* :mod:`.exporters`: chat ``messages`` JSONL, DPO ``prompt``/``chosen``/``rejected`` JSONL,
  ranked lists and rubric tables (Parquet).
* :mod:`.plugin`: :class:`~.plugin.LlmPlugin`, registered as modality ``llm``.

Importing this package imports nothing but this docstring.
"""

from __future__ import annotations

__all__: list[str] = []
