"""Ingestion-check throughput: datamill's checks vs a bare ``soundfile.read`` loop, 1 and 2 workers.

Synthesises M realistic utterances with espeak-ng (``datamill.testing.synth.synthesize``,
cycling through ``VOICES`` and ``SENTENCES``), then times on warm page cache:

(a) a bare ``soundfile.read`` loop over the files (the floor: decoding only);
(b) ``run_audio_checks`` called in one process;
(c) datamill's engine, ``LocalExecutor(workers=1)`` and ``LocalExecutor(workers=2)`` mapping
    ``datamill.production.checking.check_job`` with ``read_speech: false`` (audio checks only;
    the 2-worker time includes starting the spawn pool, as ``run_checks`` pays it);
(d) the same with the audio-text consistency check on (``read_speech: true``, pocketsphinx
    alignment against the prompt) on the first ``--m-consistency`` files.

Prints files/s, the ratio to the bare read loop, files/s per worker process and the 1 -> 2
worker speed-up. Run: ``.venv/bin/python bench/checks_throughput.py`` (``--m 200``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import Timer, base_parser, console, cores, table, workdir  # noqa: E402

from datamill.engine.local import LocalExecutor  # noqa: E402
from datamill.modalities.speech.audio import run_audio_checks  # noqa: E402
from datamill.modalities.speech.schema import SpeechAsrRequirements  # noqa: E402
from datamill.production.checking import check_job  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402
from datamill.testing.synth import VOICES, espeak_available, synthesize  # noqa: E402


def make_files(folder: Path, m: int) -> list[tuple[Path, str]]:
    out = []
    for i in range(m):
        voice, _ = VOICES[i % len(VOICES)]
        text = SENTENCES[i % len(SENTENCES)]
        out.append((synthesize(text, folder / f"utt{i:04d}.wav", voice=voice, seed=i), text))
    return out


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    t0 = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t0


def run_engine(workers: int, jobs: list[tuple[int, str, str, dict[str, Any], str | None]],
               expect_checks: set[str]) -> int:
    n = 0
    for _item, outcomes in LocalExecutor(workers).map(check_job, jobs):
        names = {o.name for o in outcomes}
        assert expect_checks <= names, names
        n += 1
    return n


def main() -> int:  # noqa: PLR0915 - a linear script
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, default=200, help="files for the audio checks")
    parser.add_argument("--repeat", type=int, default=10,
                        help="pass over the files this many times in the audio-only runs, so that "
                             "fixed costs (pool start) do not dominate (default 10)")
    parser.add_argument("--m-consistency", type=int, default=40,
                        help="files for the audio-text consistency runs (pocketsphinx)")
    args = parser.parse_args()
    if not espeak_available():
        console.print("espeak-ng is not installed; run scripts/setup.sh")
        return 2
    with workdir(args, "checks") as root:
        with Timer() as gen:
            files = make_files(root / "audio", args.m)
        total_audio_s = sum(sf.info(str(p)).duration for p, _ in files)
        console.print(
            f"synthesised {len(files)} files ({total_audio_s:.0f} s of audio, "
            f"mean {total_audio_s / len(files):.2f} s) in {gen.seconds:.1f} s; {cores()} cores"
        )
        req = SpeechAsrRequirements(read_speech=False)
        req_dict = {"read_speech": False}

        passes = [p for _ in range(max(1, args.repeat)) for p, _ in files]

        def bare() -> int:
            for p in passes:
                sf.read(str(p), dtype="float32")
            return len(passes)

        def direct() -> int:
            for p in passes:
                run_audio_checks(p, req)
            return len(passes)

        audio_jobs = [(i, str(p), "speech.asr", req_dict, None) for i, p in enumerate(passes)]
        run_engine(1, audio_jobs[:2], {"snr"})  # import warm-up, not timed
        audio_names = {"decodable", "snr", "dc_offset"}
        rows: list[list[Any]] = []
        n, bare_s = timed(bare)
        bare_rate = n / bare_s
        rows.append(["(a) bare soundfile.read loop", n, 1, bare_s, bare_rate, 1.0, bare_rate])
        n, s = timed(direct)
        rows.append(["(b) run_audio_checks, one process", n, 1, s, n / s, n / s / bare_rate, n / s])
        n, s = timed(lambda: run_engine(2, audio_jobs[:2], audio_names))
        rows.append(["(c0) LocalExecutor(2): spawn pool start + 2 jobs", n, 2, s, n / s, "", ""])
        eng: dict[int, float] = {}
        for w in (1, 2):
            n, s = timed(lambda w=w: run_engine(w, audio_jobs, audio_names))
            eng[w] = n / s
            rows.append([f"(c) LocalExecutor({w}) check_job, audio", n, w, s, n / s,
                         n / s / bare_rate, n / s / w])
        mc = min(args.m_consistency, len(files))
        cons_jobs = [(i, str(p), "speech.asr", {"read_speech": True}, text)
                     for i, (p, text) in enumerate(files[:mc])]
        cons: dict[int, float] = {}
        passed = 0
        for w in (1, 2):
            def go(w: int = w) -> int:
                nonlocal passed
                passed = 0
                k = 0
                for _i, outcomes in LocalExecutor(w).map(check_job, cons_jobs):
                    c = [o for o in outcomes if o.name == "audio_text_consistency"]
                    assert c, [o.name for o in outcomes]
                    passed += bool(c[0].passed)
                    k += 1
                return k
            n, s = timed(go)
            cons[w] = n / s
            rows.append([f"(d) LocalExecutor({w}) check_job, +consistency", n, w, s, n / s,
                         n / s / bare_rate, n / s / w])
        table(
            f"Check throughput on {len(files)} espeak-ng files (audio-only runs: {args.repeat} passes "
            f"= {len(passes)} checks; consistency: first {mc} files once)",
            ["run", "files", "workers", "seconds", "files/s", "ratio vs bare read", "files/s per worker"],
            rows,
        )
        table(
            "Speed-up from 1 to 2 workers (spawn pool start included)",
            ["checks", "1 worker files/s", "2 workers files/s", "speed-up"],
            [["audio checks", eng[1], eng[2], eng[2] / eng[1]],
             ["audio + consistency", cons[1], cons[2], cons[2] / cons[1]]],
        )
        console.print(f"consistency passed on {passed}/{mc} matched files (last run)")
        console.print(
            f"SUMMARY checks_throughput m={len(files)} x{args.repeat}: bare read {bare_rate:,.0f} files/s; "
            f"audio checks {eng[1]:,.0f} files/s on 1 worker (ratio {eng[1] / bare_rate:.3f}), "
            f"{eng[2]:,.0f} on 2 (x{eng[2] / eng[1]:.2f}); +consistency (m={mc}) "
            f"{cons[1]:.2f} files/s on 1, {cons[2]:.2f} on 2 (x{cons[2] / cons[1]:.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
