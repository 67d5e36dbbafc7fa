"""Found by a fresh-clone trial user: a Kaldi data directory whose ``wav.scp`` named audio
outside the folder was refused with "the length of 'r1' is unknown ...; add reco2dur or
segments", and adding ``reco2dur`` only led to a second refusal (the file escapes the import
folder). The escape is now said first, naming the recording and the path; a missing file is
called missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.production.labelled_import import import_labelled
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec


@pytest.mark.parametrize(("named", "says"), [
    ("../outside.wav", "the audio of 'r1' (../outside.wav) escapes the data directory"),
    ("ABSOLUTE", "escapes the data directory"),
    ("link.wav", "is a symbolic link that points outside the data directory"),
    ("missing.wav", "the audio of 'r1' (missing.wav) is not a file"),
])
def test_an_audio_path_out_of_the_folder_is_named_first(
    runtime: Runtime, tmp_path: Path, named: str, says: str
) -> None:
    outside = make_tone(tmp_path / "outside.wav", duration_ms=500)
    src = tmp_path / "data"
    src.mkdir()
    os.symlink(outside, src / "link.wav")
    (src / "wav.scp").write_text(
        f"r1 {outside if named == 'ABSOLUTE' else named}\n", encoding="utf-8")
    (src / "text").write_text("r1 hello\n", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, spec(name="kaldi-escape")).id
    with runtime.session() as s, pytest.raises(InvalidInput) as refused:
        import_labelled(s, runtime.blobs, pid, src, fmt="kaldi")
    assert says in refused.value.message
    assert "reco2dur" not in refused.value.message  # it would not help
