"""One generic registry per plugin kind, fed by entry points and loaded on first use."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

from datamill.core.errors import NotFound

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Plugins keyed by a stable lowercase name.

    Names come from the entry-point group, so listing imports nothing; a plugin class is
    imported the first time ``get`` asks for it. Duplicate names raise; unknown names raise
    an error that lists the available names. The group is read once per process (scanning
    installed distributions costs ~3 ms, too much for a per-request hot path).
    """

    def __init__(self, group: str) -> None:
        self.group = group
        self._loaded: dict[str, T] = {}
        self._extra: dict[str, T] = {}
        self._eps: dict[str, EntryPoint] | None = None

    def _entry_points(self) -> dict[str, EntryPoint]:
        if self._eps is None:
            self._eps = {ep.name: ep for ep in entry_points(group=self.group)}
        return self._eps

    def names(self) -> list[str]:
        return sorted(set(self._entry_points()) | set(self._extra))

    def register(self, name: str, plugin: T) -> None:
        if name in self._extra or name in self._entry_points():
            raise ValueError(f"{self.group}: a plugin named {name!r} is already registered")
        self._extra[name] = plugin

    def get(self, name: str) -> T:
        if name in self._extra:
            return self._extra[name]
        if name not in self._loaded:
            matches = [ep for n, ep in self._entry_points().items() if n == name]
            if not matches:
                raise NotFound(
                    f"no {self.group} plugin named {name!r}; available: "
                    + (", ".join(self.names()) or "none"),
                    name=name,
                )
            self._loaded[name] = matches[0].load()
        return self._loaded[name]
