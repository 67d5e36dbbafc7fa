"""Small real projects for the production tests (espeak-ng speech, real database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import synthesize

_CACHE: dict[int, Path] = {}


def spec(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "test-asr",
        "modality": "speech.asr",
        "language": "en-US",
        "project_type": "custom_service",
        "stages": ["annotate", "review"],
        "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {"read_speech": False},
    }
    base.update(overrides)
    return base


def speech_folder(tmp: Path, n: int = 4) -> Path:
    """A folder of ``n`` espeak-ng utterances with sidecar prompts (synthesised once per n)."""
    if n not in _CACHE:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix=f"datamill-speech-{n}-"))
        for i in range(n):
            synthesize(SENTENCES[i], folder / f"utt{i:03d}.wav", seed=i)
            (folder / f"utt{i:03d}.txt").write_text(SENTENCES[i], encoding="utf-8")
        _CACHE[n] = folder
    return _CACHE[n]


def ready_project(
    rt: Runtime, users: dict[str, User], tmp: Path, n: int = 4, **spec_overrides: Any
) -> int:
    """Create a project, add everyone, import ``n`` utterances and run the checks."""
    with rt.session() as s:
        p = create_project(s, spec(**spec_overrides))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, p.id, speech_folder(tmp, n))
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, p.id, workers=1)
        assert summary.passed == n, summary.rejections
    return p.id
