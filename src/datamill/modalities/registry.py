"""The modality registry (entry-point group ``datamill.modalities``)."""

from __future__ import annotations

from typing import Any

from datamill.core.registry import Registry

__all__ = ["exporters", "get_modality", "modalities", "modality_names", "preannotators"]

modalities: Registry[type[Any]] = Registry("datamill.modalities")
exporters: Registry[type[Any]] = Registry("datamill.exporters")
preannotators: Registry[type[Any]] = Registry("datamill.preannotators")
_instances: dict[str, Any] = {}


def modality_names() -> list[str]:
    return modalities.names()


def get_modality(name: str) -> Any:
    """The (cached) plugin instance for a modality name."""
    if name not in _instances:
        _instances[name] = modalities.get(name)()
    return _instances[name]
