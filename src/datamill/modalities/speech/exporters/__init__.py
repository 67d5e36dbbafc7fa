"""Speech exporters: Kaldi data directories, Praat TextGrids and Hugging Face datasets.

Each exporter is a plugin (entry-point group ``datamill.exporters``) with a stable
``name`` and a single ``export(items, out_dir)`` method. Exporters stream: they consume
an iterable of :class:`~datamill.modalities.base.ExportItem` once, write line by line (or
batch by batch) and never hold the whole delivery in memory. The returned
:class:`~datamill.modalities.base.ExportManifest` lists every written file, relative to
``out_dir``, with its sha256.

Modules are imported lazily through entry points, so importing this package imports
nothing heavy.
"""

from __future__ import annotations

__all__: list[str] = []
