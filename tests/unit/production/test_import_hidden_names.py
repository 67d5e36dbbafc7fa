"""File names, ids and metadata with control characters or bidirectional marks never become an
item: a newline splits CSV and log lines, an ESC sequence drives the terminal that lists the
items, and U+202E makes ``x\\u202egnp.wav`` read as ``xvaw.png``. The row is rejected with the
character named, and the rejection itself prints the name escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.core.errors import InvalidInput
from datamill.production.importing import import_source
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.known_issues._import_case import project, tones

_HIDDEN = ("\n", "\r", "\t", "\x1b", "\x85", "\u202e", "\u2066", "\u200f")


def _ids(runtime: Runtime, pid: int) -> set[str]:
    with runtime.session() as s:
        return set(s.scalars(select(Item.external_id).where(Item.project_id == pid)))


def test_a_folder_import_rejects_file_names_with_hidden_characters(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    tones(folder, 1, prefix="fine")
    for i, ch in enumerate(("\n", "\x1b[31m", "\u202e")):
        make_tone(folder / f"bad{i}{ch}vaw.wav", freq_hz=300.0 + 40 * i)
    pid = project(runtime, "hidden-names")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (1, 3)
    assert _ids(runtime, pid) == {"fine000"}
    for r in report.rejections:
        assert "control character U+" in r["reason"], r
        assert not any(ch in r["source"] + r["reason"] for ch in _HIDDEN), r  # printed escaped
    assert {r["source"] for r in report.rejections} == {
        "bad0\\nvaw.wav", "bad1\\x1b[31mvaw.wav", "bad2\\u202evaw.wav"}


def test_a_manifest_rejects_hidden_characters_in_ids_and_metadata_not_in_prompts(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    tones(folder, len(_HIDDEN) + 2)
    rows = [{"path": f"utt{i:03d}.wav", "id": f"id{i}{ch}x"} for i, ch in enumerate(_HIDDEN)]
    n = len(_HIDDEN)
    rows.append({"path": f"utt{n:03d}.wav", "speaker_id": "spk\u202e1"})
    rows.append({"path": f"utt{n + 1:03d}.wav", "prompt": "line one\nline two\tend"})
    (folder / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    pid = project(runtime, "hidden-manifest")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder / "m.jsonl")
    assert (report.imported, report.rejected) == (1, n + 1)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert reasons["m.jsonl:1"].startswith("id: contains the control character U+000A")
    assert reasons["m.jsonl:6"].startswith("id: contains the control character U+202E")
    assert reasons[f"m.jsonl:{n + 1}"].startswith("speaker_id: contains the control character")
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        assert item.prompt == "line one\nline two\tend"  # a prompt's text may have lines


def test_a_labelled_source_with_a_hidden_character_in_an_id_is_refused(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = tmp_path / "kaldi"
    folder.mkdir()
    make_tone(folder / "call1.wav")
    make_tone(folder / "call2.wav", freq_hz=300)
    (folder / "wav.scp").write_text("call1 call1.wav\ncall\u202e2 call2.wav\n", "utf-8")
    (folder / "text").write_text("call1 hello there\ncall\u202e2 yes\n", "utf-8")
    pid = project(runtime, "hidden-kaldi")
    with runtime.session() as s, pytest.raises(InvalidInput, match="control character U"):
        import_labelled(s, runtime.blobs, pid, folder, fmt="kaldi")
    assert _ids(runtime, pid) == set()
