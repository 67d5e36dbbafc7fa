"""A modality whose decoder segfaults on a hostile file, as a native decoder can: the image
modality, but a file that starts with ``SEGFAULT`` gets its process a real ``SIGSEGV`` from
``describe`` (the process dies at once, exit -11, as a crash in C code ends it). Kept in a
module of its own, importable by a spawned worker process (the plugin class travels to it by
name)."""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from datamill.modalities.image.plugin import ImagePlugin

HOSTILE = b"SEGFAULT"


class SegfaultingImages(ImagePlugin):
    """Images whose decoder crashes its process on a file starting with :data:`HOSTILE`."""

    name: ClassVar[str] = "test.segfaulting"

    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        with path.open("rb") as fh:
            if fh.read(len(HOSTILE)) == HOSTILE:
                os.kill(os.getpid(), signal.SIGSEGV)
        return super().describe(path, meta, requirements)


#: a file whose name holds this crashes :class:`SegfaultingByName`'s decoder
HOSTILE_NAME = "segfault"


class SegfaultingByName(ImagePlugin):
    """Images whose decoder crashes its process on a file named with :data:`HOSTILE_NAME`,
    whatever its bytes: a real image a pre-labelled importer's header read accepts (it reads
    the size in the importing process; the modality's full decode is the part kept apart)."""

    name: ClassVar[str] = "test.segfaulting_by_name"

    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        if HOSTILE_NAME in path.name:
            os.kill(os.getpid(), signal.SIGSEGV)
        return super().describe(path, meta, requirements)
