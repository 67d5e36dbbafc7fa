"""Make the demo's raw data: read speech by several espeak-ng "speakers", plus bad files; and
design a recording corpus from the bundled sentence pools (:func:`design_demo_corpus`).

The bad files are deliberate: clipped, silent, wrong sample rate, a prompt that does not match
its audio, a truncated file and a text file named ``.wav``, so the checks have something to catch.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import VOICES, make_clipped, make_silent, synthesize

__all__ = ["BAD_FILES", "DESIGN_POOLS", "design_demo_corpus", "make_demo_corpus"]

BAD_FILES = {
    "bad_clipped": "clipping",
    "bad_silent": "snr / level",
    "bad_8khz": "format (8000 Hz)",
    "bad_mismatch": "audio-text consistency",
    "bad_truncated": "not decodable (rejected at import)",
    "bad_notaudio": "not audio (rejected at import)",
}


def make_demo_corpus(
    folder: Path, utterances: int = 36, progress: Callable[[int], None] | None = None
) -> Path:
    """Write ``utterances`` good recordings + the bad files and a ``manifest.csv``; return it."""
    audio = folder / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = []
    for i in range(utterances):
        voice, gender = VOICES[i % len(VOICES)]
        spk = f"spk{i % len(VOICES) + 1:02d}"
        text = SENTENCES[i % len(SENTENCES)]
        path = audio / f"{spk}_{i:04d}.wav"
        if not path.exists():
            synthesize(text, path, voice=voice, seed=i)
        rows.append({
            "id": f"{spk}_{i:04d}", "path": f"audio/{path.name}", "speaker_id": spk,
            "gender": gender, "age": str(20 + (i * 7) % 45), "accent": "US" if voice.startswith("en-us") else "GB",
            "device": "espeak-ng", "environment": "studio", "prompt": text,
        })
        if progress:
            progress(1)
    base = audio / "spk01_0000.wav"
    extra: list[tuple[str, Callable[[Path], object], str]] = [
        ("bad_clipped", lambda p: make_clipped(base, p), SENTENCES[0]),
        ("bad_silent", lambda p: make_silent(p), SENTENCES[1]),
        ("bad_8khz", lambda p: synthesize(SENTENCES[2], p, sample_rate_hz=8000), SENTENCES[2]),
        ("bad_mismatch", lambda p: synthesize(SENTENCES[3], p), SENTENCES[40 % len(SENTENCES)]),
        ("bad_truncated", lambda p: p.write_bytes(base.read_bytes()[:30]), SENTENCES[0]),
        ("bad_notaudio", lambda p: p.write_text("this is not audio\n"), SENTENCES[0]),
    ]
    for name, make, prompt in extra:
        path = audio / f"{name}.wav"
        if not path.exists():
            make(path)
        rows.append({
            "id": name, "path": f"audio/{name}.wav", "speaker_id": "spk99", "gender": "female",
            "age": "33", "accent": "US", "device": "phone", "environment": "office", "prompt": prompt,
        })
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return manifest


#: the bundled pools (our own sentences, a few deliberately unfit: digits, repeats, rare
#: characters, words the lexicon lacks) and what the demo covers in each language
DESIGN_POOLS = {"en": ("corpus_pool_en.txt", "phone,diphone"),
                "zh": ("corpus_pool_zh.txt", "syllable,initial,final,diphone")}


def design_demo_corpus(out_dir: Path, n: int = 40) -> dict[str, Any]:
    """Corpus design on the bundled pools: choose ``n`` prompts per language and write, under
    ``out_dir/<lang>/``, ``chosen.txt``, ``chosen.json`` and ``report.html``. Returns the two
    reports (``{"en": ..., "zh": ...}``, each with ``written``: the files)."""
    from datamill.corpus.design import (
        DesignOptions,
        design_corpus,
        parse_units,
        read_pool,
        write_outputs,
    )

    data = Path(__file__).resolve().parent / "data"
    reports: dict[str, Any] = {}
    for lang, (name, units) in DESIGN_POOLS.items():
        pool = read_pool((data / name).read_text(encoding="utf-8"))
        report = design_corpus(pool, DesignOptions(lang, n, parse_units(units, lang)))
        folder = out_dir / lang
        report["written"] = write_outputs(report, folder / "chosen.txt", folder / "chosen.json",
                                          folder / "report.html")
        reports[lang] = report
    return reports
