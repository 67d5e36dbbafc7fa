"""A TTS project imports TextGrids back (``--format tts_textgrid``): a ``tts_textgrid``
delivery package (TextGrids, ``audio/<sha256>.wav`` named by ``espnet_tts/wav.scp``) comes back
with the tiers it was delivered with, English and Mandarin. Before, a TTS project read no
pre-labelled format at all (``import_labelled``: "this project reads  (or auto)")."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from datamill.compliance.models import User
from datamill.modalities.base import ItemRecord
from datamill.modalities.registry import get_modality
from datamill.modalities.tts.schema import parse_annotation
from datamill.modalities.tts.textgrid_import import TtsTextGridImporter
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec

from ._helpers import tiers, zh_tiers

_REQ = {"audio": {"sample_rate_hz": 16000, "bit_depth": 16, "channels": 1}}


def _package(folder: Path) -> dict[str, dict[str, object]]:
    """A delivery package of two utterances; their annotations by utterance id."""
    plugin = get_modality("speech.tts")
    (folder / "audio").mkdir(parents=True)
    payloads = {"en1": tiers(), "zh1": zh_tiers()}
    items = []
    for freq, (utt, payload) in enumerate(payloads.items(), start=2):
        tone = make_tone(folder / f"{utt}.wav", freq_hz=freq * 110, duration_ms=1000)
        sha = hashlib.sha256(tone.read_bytes()).hexdigest()
        wav = tone.rename(folder / "audio" / f"{sha}.wav")
        record = ItemRecord(external_id=utt, sha256=sha, filename=wav.name, path=wav,
                            attributes={"duration_ms": 1000, "speaker_id": "v1"},
                            language=str(payload["language"]), source=wav)
        items.append(plugin.export_item(record, payload))
    for fmt in ("tts_textgrid", "espnet_tts"):
        plugin.make_exporter(fmt, _REQ).export(iter(items), folder / fmt)
    return payloads


def test_a_tts_textgrid_delivery_reads_back_with_its_tiers(tmp_path: Path) -> None:
    payloads = _package(tmp_path / "pkg")
    importer = TtsTextGridImporter()
    assert importer.detect(tmp_path / "pkg") == 0.9
    back = {utt: (audio, ann) for audio, ann, utt in importer.iter_items(tmp_path / "pkg")}
    assert sorted(back) == ["en1", "zh1"]
    for utt, payload in payloads.items():
        audio, ann = back[utt]
        assert audio.parent == tmp_path / "pkg" / "audio"
        assert parse_annotation(ann) == parse_annotation(payload), utt


def test_a_tts_project_imports_its_textgrid_delivery(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    payloads = _package(tmp_path / "pkg")
    with runtime.session() as s:
        pid = create_project(s, spec(name="tts-in", modality="speech.tts", requirements=_REQ,
                                     acceptance={"phone_accuracy": 0.9, "boundary_accuracy": 0.9,
                                                 "prosody_accuracy": 0.9})).id
    with runtime.session() as s:
        report = import_labelled(s, runtime.blobs, pid, tmp_path / "pkg", fmt="auto")
    assert (report.format, report.imported, report.labelled) == ("tts_textgrid", 2, 2)
    with runtime.session() as s:
        rows = s.execute(select(Item.external_id, Annotation.segments, Annotation.model)
                         .join(Annotation, Annotation.id == Item.current_annotation_id)
                         .where(Item.project_id == pid).order_by(Item.external_id)).all()
    assert [(r[0], r[2]) for r in rows] == [("en1", "import:tts_textgrid"),
                                             ("zh1", "import:tts_textgrid")]
    for utt, segments, _model in rows:
        assert parse_annotation(segments) == parse_annotation(payloads[utt]), utt


def test_mfa_alignments_read_back_as_words_and_phones(tmp_path: Path) -> None:
    """An ``mfa_corpus`` (speaker folders, as MFA writes its alignments) reads its words and
    phones back; the recording is the one beside each TextGrid."""
    payloads = _package(tmp_path / "pkg")
    plugin = get_modality("speech.tts")
    items = []
    for utt, payload in payloads.items():
        wav = next((tmp_path / "pkg" / "audio").glob("*.wav"))
        record = ItemRecord(external_id=utt, sha256="0" * 64, filename=wav.name, path=wav,
                            attributes={"duration_ms": 1000, "speaker_id": "v1"},
                            language=str(payload["language"]), source=wav)
        items.append(plugin.export_item(record, payload))
    plugin.make_exporter("mfa_corpus", _REQ).export(iter(items), tmp_path / "mfa")
    back = {utt: (audio, ann) for audio, ann, utt in TtsTextGridImporter().iter_items(
        tmp_path / "mfa")}
    for utt, payload in payloads.items():
        audio, ann = back[utt]
        assert audio == tmp_path / "mfa" / "v1" / f"{utt}.wav"
        want = parse_annotation(payload)
        got = parse_annotation(ann)
        assert (got.language, got.words, got.phones) == (want.language, want.words, want.phones)
