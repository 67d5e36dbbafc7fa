"""TTS pre-alignment: time per utterance and how far an even spread is from forced alignment.

Synthesises the demo's English prompts (and more from ``datamill.testing.sentences``) with
espeak-ng, then per utterance times (a) PocketSphinx phone alignment (``tts-align``) and (b)
the even spread over the voiced audio (what Mandarin gets), and measures the word-boundary
deviation of (b) against (a) with the QC scorer (matched phones). It shows how much the
labeller would move without an acoustic model. Also times the studio checks per file.

Run: ``.venv/bin/python bench/tts_prealign.py --n 12`` (about 30 s on one core; the sentences
list has 100 lines, ``--n 100`` runs them all).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table, workdir  # noqa: E402

from datamill.modalities.tts.align import TtsAligner, proportional_tiers  # noqa: E402
from datamill.modalities.tts.checks import run_tts_checks  # noqa: E402
from datamill.modalities.tts.metric import score_tiers  # noqa: E402
from datamill.modalities.tts.schema import TtsRequirements  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402
from datamill.testing.synth import synthesize  # noqa: E402


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--n", type=int, default=12)
    args = parser.parse_args()
    aligner = TtsAligner()
    req = TtsRequirements.model_validate({"audio": {"sample_rate_hz": 22050, "bit_depth": 16}})
    align_s: list[float] = []
    spread_s: list[float] = []
    check_s: list[float] = []
    refs, hyps = [], []
    forced = 0
    with workdir(args, "tts") as folder:
        for i, text in enumerate(SENTENCES[: args.n]):
            wav = synthesize(text, folder / f"u{i}.wav", voice="en-us+f3", sample_rate_hz=22050,
                             seed=i)
            t0 = time.perf_counter()
            pred = aligner.predict_file(wav, "en-US", prompt=text)
            align_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            spread = proportional_tiers(wav, text, "en")
            spread_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            run_tts_checks(wav, req)
            check_s.append(time.perf_counter() - t0)
            if pred.annotation.source == "pocketsphinx":
                forced += 1
                refs.append(pred.annotation)
                hyps.append(spread)
    s = score_tiers(refs, hyps)

    def ms(v: list[float]) -> str:
        return f"{1000 * sum(v) / len(v):.0f}"

    table("TTS pre-alignment (per utterance)", ["what", "value"], [
        ["utterances", args.n], ["force-aligned (PocketSphinx)", forced],
        ["forced alignment ms", ms(align_s)], ["even spread ms", ms(spread_s)],
        ["studio checks ms", ms(check_s)],
        ["phone boundaries from", ", ".join(f"{k} {v}" for k, v in
                                            sorted(aligner.phone_methods.items()))],
        ["spread vs forced: mean boundary deviation ms", f"{s.boundary_deviation_mean_ms:.0f}"],
        ["spread vs forced: p95 boundary deviation ms", f"{s.boundary_deviation_p95_ms:.0f}"],
        ["spread vs forced: boundaries within 20 ms", f"{s.boundary_accuracy:.3f}"],
    ])
    console.print("the spread is a draft: every boundary outside 20 ms is one a labeller moves")


if __name__ == "__main__":
    main()
