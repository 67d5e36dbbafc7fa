"""A speaker id no delivery can name (``spk 01``, ``a/b``) was accepted at import, annotated,
inspected and paid for, and then refused by ``delivery create`` (Kaldi's ``utt2spk`` and the
TextGrid and TTS folder names cannot hold whitespace or path separators). The row is refused
at import now, naming the id and a spelling that works; item ids with such characters are
delivered under keys instead (``test_trial_delivery_keys``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from datamill.collection import subject
from datamill.collection.models import CollectionSubject
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.registry import get_modality
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import espeak_available
from tests._tools import require_tool
from tests.unit.collection.helpers import PROMPTS, collection_project, invite, speech
from tests.unit.production.helpers import spec, speech_folder


def test_a_speaker_id_no_delivery_can_name_is_refused_at_import(
    runtime: Runtime, tmp_path: Path
) -> None:
    src = speech_folder(tmp_path, 4)
    drop = tmp_path / "drop"
    drop.mkdir()
    for i in range(4):
        (drop / f"utt{i}.wav").write_bytes((src / f"utt{i:03d}.wav").read_bytes())
    manifest = drop / "manifest.csv"
    manifest.write_text(
        "id,path,speaker_id\n"
        "u0,utt0.wav,spk_01\n"
        "u1,utt1.wav,spk 01\n"
        "u2,utt2.wav,north/spk2\n"
        "u3,utt3.wav,说话人　三\n", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    assert report.imported == 1
    reasons = {r["source"].split(":")[1]: r["reason"] for r in report.rejections}
    assert set(reasons) == {"3", "4", "5"}
    assert "speaker_id 'spk 01' holds whitespace" in reasons["3"] and "'spk_01'" in reasons["3"]
    assert "'north_spk2'" in reasons["4"]
    assert "'说话人_三'" in reasons["5"]  # an ideographic space is whitespace too
    assert not any("Value error" in r for r in reasons.values())


@pytest.mark.parametrize("modality", ["speech.asr", "speech.tts"])
def test_both_speech_modalities_refuse_it(modality: str, tmp_path: Path) -> None:
    plugin = get_modality(modality)
    wav = speech_folder(tmp_path, 4) / "utt000.wav"
    assert plugin.describe(wav, {"speaker_id": "spk_01"}, {}).speaker_id == "spk_01"
    with pytest.raises(InvalidInput, match=r"speaker_id 'spk\\t01' holds whitespace"):
        plugin.describe(wav, {"speaker_id": "spk\t01"}, {})


def test_a_subject_id_with_a_space_still_records(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A collection subject invited as ``Zhang San`` before invitations refused such ids
    (``test_trial_h5_collection_withdrawal``) records as ever; the take carries the speaker id
    ``Zhang_San``, as every delivery can name it."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "zhang-san")
    with runtime.session() as s:  # the id as an invitation of before took it
        s.execute(update(CollectionSubject).where(CollectionSubject.project_id == pid)
                  .values(subject_id="Zhang San"))
    with runtime.session() as s:
        subject.give_consent(s, token, "Zhang San", version=1)
        state = subject.set_demographics(s, token, gender="male", age=20)
        took = subject.upload_recording(s, runtime.blobs, token, int(state["prompts"][0]["id"]),
                                        speech(tmp_path, PROMPTS[0], "take.wav"))
        item = s.get(Item, took["item_id"])
        assert item is not None and item.attributes["speaker_id"] == "Zhang_San"
