"""The consistency check scores a file the same whatever the process decoded before.

Regression: the shared PocketSphinx decoder carried front-end state (noise estimate,
cepstral-mean prior) from one utterance to the next, so the same file scored 0.9076 first and
0.9007 after other files, and local-pool and Ray workers disagreed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import datamill
from datamill.modalities.speech.consistency import PocketsphinxAligner, check_consistency
from datamill.modalities.speech.preannotators import PocketsphinxPreannotator
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

# (sentence index, voice): A is scored first, then B and C, then A again.
_FILES = {"a": (4, "en-us+m5"), "b": (1, "en-us+f3"), "c": (2, "en+m1")}


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("determinism")
    return {
        key: synthesize(SENTENCES[idx], folder / f"{key}.wav", voice=voice, seed=idx)
        for key, (idx, voice) in _FILES.items()
    }


def _as_json(audio: Path, prompt: str, aligner: PocketsphinxAligner) -> str:
    result = check_consistency(audio, prompt, aligner=aligner)
    return json.dumps(dataclasses.asdict(result), sort_keys=True)


def _score_in_fresh_process(audio: Path, prompt: str) -> str:
    code = (
        "import dataclasses, json, sys\n"
        "from pathlib import Path\n"
        "from datamill.modalities.speech.consistency import check_consistency\n"
        "r = check_consistency(Path(sys.argv[1]), sys.argv[2])\n"
        "print(json.dumps(dataclasses.asdict(r), sort_keys=True))\n"
    )
    src = str(Path(datamill.__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", code, str(audio), prompt],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return done.stdout.strip().splitlines()[-1]


def test_score_does_not_depend_on_earlier_files(wavs: dict[str, Path]) -> None:
    aligner = PocketsphinxAligner()
    prompt_a = SENTENCES[_FILES["a"][0]]
    first = _as_json(wavs["a"], prompt_a, aligner)
    for key in ("b", "c"):
        _as_json(wavs[key], SENTENCES[_FILES[key][0]], aligner)
    # A mismatched prompt as well: a failed forced alignment must not leave state behind.
    _as_json(wavs["b"], SENTENCES[_FILES["c"][0]], aligner)
    again = _as_json(wavs["a"], prompt_a, aligner)
    assert again == first
    assert json.loads(first)["alignment_score"] > 0.0


def test_score_matches_a_fresh_process(wavs: dict[str, Path]) -> None:
    aligner = PocketsphinxAligner()
    prompt_a = SENTENCES[_FILES["a"][0]]
    _as_json(wavs["b"], SENTENCES[_FILES["b"][0]], aligner)
    warm = _as_json(wavs["a"], prompt_a, aligner)
    assert _score_in_fresh_process(wavs["a"], prompt_a) == warm


def test_preannotator_transcript_does_not_depend_on_earlier_files(
    wavs: dict[str, Path],
) -> None:
    pre = PocketsphinxPreannotator()
    first = pre.transcribe(wavs["a"], "en-US")
    pre.transcribe(wavs["b"], "en-US")
    pre.transcribe(wavs["c"], "en-US")
    assert pre.transcribe(wavs["a"], "en-US") == first
