"""The modality registries (entry-point groups ``datamill.modalities``, ``datamill.exporters``,
``datamill.preannotators``, ``datamill.importers``), typed by the contract they hold."""

from __future__ import annotations

from typing import Any

from datamill.core.errors import NotFound
from datamill.core.registry import Registry
from datamill.modalities.base import (
    Exporter,
    Importer,
    ModalityPlugin,
    Preannotator,
    manifest_field_aliases_of,
    manifest_file_columns_of,
)

__all__ = [
    "exporters",
    "get_modality",
    "importers",
    "manifest_field_aliases",
    "manifest_file_columns",
    "modalities",
    "modality_names",
    "preannotators",
]

modalities: Registry[type[ModalityPlugin]] = Registry("datamill.modalities")
exporters: Registry[type[Exporter[Any]]] = Registry("datamill.exporters")
preannotators: Registry[type[Preannotator[object]]] = Registry("datamill.preannotators")
importers: Registry[type[Importer[object]]] = Registry("datamill.importers")
_instances: dict[str, ModalityPlugin] = {}


def modality_names() -> list[str]:
    return modalities.names()


def get_modality(name: str) -> ModalityPlugin:
    """The (cached) plugin instance for a modality name."""
    if name not in _instances:
        _instances[name] = modalities.get(name)()
    return _instances[name]


def manifest_file_columns(modality: str | None = None) -> tuple[str, ...]:
    """The manifest columns besides ``path`` and ``file`` that name a file: ``modality``'s
    (none for a modality without a plugin here), or, without one, every installed modality's,
    sorted (see ``ModalityPlugin.manifest_file_columns``)."""
    if modality is not None:
        try:
            return manifest_file_columns_of(get_modality(modality))
        except NotFound:
            return ()
    return tuple(sorted({c for name in modality_names()
                         for c in manifest_file_columns_of(get_modality(name))}))


def manifest_field_aliases() -> dict[str, tuple[str, ...]]:
    """Every installed modality's other manifest column names of each row field (see
    ``ModalityPlugin.manifest_field_aliases``), in the modalities' order, each name once."""
    out: dict[str, tuple[str, ...]] = {}
    for name in modality_names():
        for field, names in manifest_field_aliases_of(get_modality(name)).items():
            out[field] = tuple(dict.fromkeys((*out.get(field, ()), *names)))
    return out
