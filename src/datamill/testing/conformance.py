"""A conformance kit for modality plugins: inherit it in a pytest class and fill in a sample.

Every modality (speech, image, yours) gets the same contract tests::

    class TestMyModality(ModalityConformance):
        modality = "my.modality"
        round_trips = {"myformat": "myformat"}        # exporter name -> importer name

        def sample(self, folder: Path) -> list[Sample]:
            ...  # a few media files with a valid annotation payload each

The kit checks: the plugin is registered and declares the contract's class attributes;
``describe`` yields a valid ``item_model`` and an integer ``volume``; valid payloads pass
``validate_annotation`` and bad ones (wrong types, wrong shape, garbage JSON) raise
``InvalidInput`` and nothing else; every exporter accepts an empty input and every importer
an empty folder (no item or ``InvalidInput``); export then
re-import (``detect`` then ``iter_items``) gives the annotations back for each round trip;
an exporter streams 20,000 items from a generator within a memory bound.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.base import Exporter, ItemRecord, ModalityPlugin
from datamill.modalities.registry import get_modality, importers, modality_names

__all__ = ["BAD_PAYLOADS", "ModalityConformance", "Sample"]

BAD_PAYLOADS: tuple[Any, ...] = (None, 42, "text", {"objects": "nope"}, [{"start_ms": "x"}],
                                 {"type": "something_else"}, [1, 2, 3])


@dataclass(frozen=True)
class Sample:
    """One media file and a valid annotation payload for it."""

    external_id: str
    path: Path
    payload: Any
    meta: Mapping[str, Any] | None = None


class ModalityConformance:
    """Contract tests every modality plugin passes (a pytest class to inherit)."""

    modality: ClassVar[str]
    #: exporter name -> importer name whose ``iter_items`` must give the payloads back
    round_trips: ClassVar[Mapping[str, str]] = {}
    #: how many items the streaming test pushes through ``streaming_exporter``
    stream_items: ClassVar[int] = 20_000
    #: peak Python memory the streaming export may use
    stream_peak_bytes: ClassVar[int] = 64 * 1024 * 1024
    language: ClassVar[str] = "en-US"
    #: bytes that are not a media file of the modality (text: bytes that are not UTF-8)
    not_media: ClassVar[bytes] = b"this is not a media file at all\n" * 8

    # -- what a modality's test class provides
    def sample(self, folder: Path) -> list[Sample]:
        raise NotImplementedError

    def requirements(self) -> dict[str, Any]:
        """The spec ``requirements`` the sample satisfies."""
        raise NotImplementedError

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        """The exporter the streaming test uses (by default the plugin's first)."""
        return plugin.make_exporter(plugin.exporter_names()[0], self.requirements())

    def same_annotation(self, expected: Any, got: Any) -> bool:
        return bool(expected == got)

    # -- helpers
    @property
    def plugin(self) -> ModalityPlugin:
        return get_modality(self.modality)

    def _records(self, folder: Path) -> list[tuple[ItemRecord, Any]]:
        plugin, req = self.plugin, self.requirements()
        out = []
        for s in self.sample(folder):
            attributes = plugin.describe(s.path, s.meta or {}, req).model_dump(exclude_none=True)
            record = ItemRecord(external_id=s.external_id, sha256="0" * 64, filename=s.path.name,
                                path=s.path, attributes=attributes, language=self.language)
            out.append((record, s.payload))
        return out

    def _valid(self, record: ItemRecord, payload: Any) -> Any:
        req = self.plugin.requirements_model.model_validate(self.requirements())
        return self.plugin.validate_annotation(payload, record.attributes, req).payload

    # -- the contract
    def test_registered_with_the_contract(self) -> None:
        assert self.modality in modality_names()
        plugin = self.plugin
        for attr in ("requirements_model", "item_model", "default_preannotator", "volume_unit",
                     "volume_base_unit", "volume_per_unit", "media_suffixes", "media_folder",
                     "acceptance_metrics", "workbench_template"):
            assert getattr(plugin, attr, None) not in (None, ""), attr
        assert plugin.volume_per_unit >= 1
        assert all(s.startswith(".") and s == s.lower() for s in plugin.media_suffixes)
        plugin.requirements_model.model_validate(self.requirements())

    def test_describe_gives_attributes_and_volume(self, tmp_path: Path) -> None:
        records = self._records(tmp_path)
        assert records, "the sample is empty"
        for record, _ in records:
            self.plugin.item_model.model_validate(record.attributes)
            volume = self.plugin.volume(record.attributes)
            assert isinstance(volume, int) and volume >= 0
            assert isinstance(self.plugin.summary(record.attributes), dict)

    def test_describe_refuses_a_file_that_is_not_media(self, tmp_path: Path) -> None:
        junk = tmp_path / f"junk{self.plugin.media_suffixes[0]}"
        junk.write_bytes(self.not_media)
        with pytest.raises(InvalidInput):
            self.plugin.describe(junk, {}, self.requirements())

    def test_valid_annotations_pass_and_bad_ones_are_refused(self, tmp_path: Path) -> None:
        for record, payload in self._records(tmp_path):
            self._valid(record, payload)
            for bad in BAD_PAYLOADS:
                with pytest.raises(InvalidInput):
                    self._valid(record, bad)

    def test_every_exporter_takes_empty_input(self, tmp_path: Path) -> None:
        for name in self.plugin.exporter_names():
            exporter = self.plugin.make_exporter(name, self.requirements())
            manifest = exporter.export(iter(()), tmp_path / name)
            assert manifest.items == 0, name

    def test_every_importer_of_the_modality_handles_empty_and_foreign_input(
        self, tmp_path: Path
    ) -> None:
        """Each importer the plugin names (``importer_names``) and each round-trip importer
        does not claim an empty folder, and reading one gives no item or ``InvalidInput``,
        never another error."""
        names = set(getattr(self.plugin, "importer_names", ())) | set(self.round_trips.values())
        empty = tmp_path / "empty"
        empty.mkdir()
        for name in sorted(names):
            importer = _importer(name, tmp_path / f"{name}-media")
            assert importer.detect(empty) < 0.5, name
            try:
                assert list(importer.iter_items(empty)) == [], name
            except InvalidInput:
                pass

    def test_export_then_reimport_round_trips(self, tmp_path: Path) -> None:
        records = self._records(tmp_path / "in")
        for exporter_name, importer_name in self.round_trips.items():
            exporter = self.plugin.make_exporter(exporter_name, self.requirements())
            items = [self.plugin.export_item(r, self._valid(r, p)) for r, p in records]
            out = tmp_path / exporter_name
            manifest = exporter.export(iter(items), out)
            assert manifest.items == len(records)
            importer = _importer(importer_name, tmp_path / f"{importer_name}-media")
            assert importer.detect(out) > 0.5, (exporter_name, importer_name)
            back = {got[0].stem: got[1] for got in importer.iter_items(out)}
            assert len(back) == len(records)
            for record, payload in records:
                got = back[record.external_id]
                assert self.same_annotation(self._valid(record, payload),
                                            self._valid(record, got)), record.external_id

    def test_an_exporter_streams_many_items(self, tmp_path: Path) -> None:
        record, payload = self._records(tmp_path / "in")[0]
        clean = self._valid(record, payload)
        plugin = self.plugin

        def stream() -> Iterator[object]:
            for i in range(self.stream_items):
                yield plugin.export_item(replace(record, external_id=f"s{i:06d}"), clean)

        exporter = self.streaming_exporter(plugin)
        tracemalloc.start()
        try:
            manifest = exporter.export(stream(), tmp_path / "stream")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert manifest.items == self.stream_items
        assert peak < self.stream_peak_bytes, f"peak {peak / 2**20:.1f} MiB"


def _importer(name: str, media_dir: Path) -> Any:
    """Importer ``name``, writing any media it makes (a text importer's ``<id>.txt`` files)
    under ``media_dir`` (the test's own folder) rather than a new temporary folder that
    nothing removes."""
    cls: Any = importers.get(name)  # a class; text importers take media_dir
    try:
        return cls(media_dir=media_dir)
    except TypeError:  # an importer that makes no media files takes no folder
        return cls()
