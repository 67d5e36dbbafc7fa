"""The TTS demo: a studio voice (espeak-ng) reads a small designed corpus, in English and in
Mandarin, through the whole loop.

Per language a ``speech.tts`` project is created; the prompts are synthesised as one
studio-like voice (quiet noise floor, dry), plus in English two bad takes the checks must
catch: one recorded in a reverberant room (convolution with an exponential impulse response)
and one 10 dB quieter than the session (the ``session_level`` cross-item check). The items are
imported from a JSONL manifest (prompt, speaker, session), checked, pre-aligned
(PocketSphinx phone alignment for English; an even spread over the voiced audio for Mandarin,
marked ``proportional``), annotated by alice (who moves the first phone boundary by 10 ms and
marks the first word's break as ``#2``, the corrections a labeller makes), reviewed by rita,
inspected by ivan and delivered as TextGrids, an MFA corpus and an ESPnet TTS data directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from datamill.assist.runner import preannotate_project
from datamill.compliance.users import add_member, get_user
from datamill.demo.script import DEMO_USERS, ensure_demo_users, give_package
from datamill.modalities.tts.checks import measure_studio
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.synth import synthesize

__all__ = ["EN_PROMPTS", "TTS_FORMATS", "ZH_PROMPTS", "ZH_VOICE", "build_tts_demo", "tts_spec"]

EN_PROMPTS = (
    "The quick brown fox jumps over the lazy dog.",
    "Please call Stella, and ask her to bring these things.",
    "She sells sea shells by the sea shore.",
    "A studio voice reads every prompt clearly.",
    "Numbers and dates are written out in words.",
    "We will meet again tomorrow morning.",
)
ZH_PROMPTS = ("你好，我们一起去北京。", "今天天气很好。", "请把这本书放在桌子上。")
TTS_FORMATS = ["tts_textgrid", "mfa_corpus", "espnet_tts"]
_SR = 22050
ZH_VOICE = "cmn-latn-pinyin"
"""espeak-ng's Mandarin voice (its ``cmn`` voice reads Han characters as English-spelt pinyin)."""


def tts_spec(language: str, name: str) -> dict[str, Any]:
    """A ``speech.tts`` dataset spec for the demo voice (22.05 kHz, 16-bit, mono)."""
    return {
        "schema_version": 1, "name": name, "modality": "speech.tts", "language": language,
        "project_type": "custom_service", "description": "Studio TTS voice: phones, prosody.",
        "stages": ["annotate", "review"], "package_size": 10,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"phone_accuracy": 0.95, "boundary_accuracy": 0.9,
                       "prosody_accuracy": 0.9},
        "requirements": {"audio": {"sample_rate_hz": _SR, "bit_depth": 16, "channels": 1},
                         "max_noise_floor_dbfs": -60.0, "max_reverb_ms": 250.0,
                         "max_level_deviation_db": 3.0, "level_reference_min_items": 3},
    }


def _reverberant(path: Path, tau_s: float = 0.12) -> None:
    data, sr = sf.read(path, dtype="float64")
    rng = np.random.default_rng(7)
    t = np.arange(int(tau_s * 8 * sr)) / sr
    h = rng.standard_normal(t.size) * np.exp(-t / tau_s)
    h[0] = 1.0
    h /= np.abs(np.fft.rfft(h)).max()
    n = data.size + h.size
    wet = np.fft.irfft(np.fft.rfft(data, n) * np.fft.rfft(h, n), n)[: data.size]
    gain = 10 ** ((measure_studio(data, sr)["speech_level_dbfs"]
                   - measure_studio(wet, sr)["speech_level_dbfs"]) / 20)  # same speech level
    sf.write(path, np.clip(wet * gain, -1, 1).astype(np.float32), sr, subtype="PCM_16")


def _write_corpus(folder: Path, language: str, *, bad_takes: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    en = language.startswith("en")
    prompts = EN_PROMPTS if en else ZH_PROMPTS
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(prompts):
        name = f"{'en' if en else 'zh'}{i + 1:03d}.wav"
        synthesize(text, folder / name, voice="en-us+f3" if en else ZH_VOICE, sample_rate_hz=_SR,
                   lead_ms=400, trail_ms=500, noise_dbfs=-80.0, seed=i)
        rows.append({"path": name, "prompt": text, "speaker_id": "voice1",
                     "session_id": "day1", "gender": "female"})
    if bad_takes:
        synthesize(prompts[0], folder / "take_room.wav", voice="en-us+f3", sample_rate_hz=_SR,
                   lead_ms=400, trail_ms=800, noise_dbfs=-80.0, seed=11)
        _reverberant(folder / "take_room.wav")
        synthesize(prompts[1], folder / "take_quiet.wav", voice="en-us+f3", sample_rate_hz=_SR,
                   lead_ms=400, trail_ms=500, noise_dbfs=-90.0, seed=12)
        data, sr = sf.read(folder / "take_quiet.wav", dtype="float32")
        sf.write(folder / "take_quiet.wav", data * 10 ** (-10 / 20), sr, subtype="PCM_16")
        rows += [{"path": n, "prompt": p, "speaker_id": "voice1", "session_id": "day1",
                  "gender": "female"} for n, p in (("take_room.wav", prompts[0]),
                                                  ("take_quiet.wav", prompts[1]))]
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    return manifest


def _corrected(payload: dict[str, Any]) -> dict[str, Any]:
    """What the demo labeller changes: the first phone boundary 10 ms later (when the phones
    leave room), the first word's break to #2, and the tiers marked as checked by a person."""
    out: dict[str, Any] = json.loads(json.dumps(payload))
    phones = out.get("phones") or []
    if len(phones) >= 2 and phones[0]["end_ms"] + 10 < phones[1]["end_ms"]:  # noqa: PLR2004
        phones[0]["end_ms"] += 10
        phones[1]["start_ms"] = max(phones[1]["start_ms"], phones[0]["end_ms"])
    if len(out.get("prosody") or []) > 1:
        out["prosody"][0]["label"] = "#2"
    out["source"] = "manual"
    return out


def _inspected(delivered: str) -> str:
    """The inspector's reference: the delivered tiers with the first phone starting 5 ms
    earlier (within the boundary tolerance, so the utterance is not a defect)."""
    data = json.loads(delivered)
    phones = data.get("phones") or []
    if phones and phones[0]["start_ms"] >= 5:  # noqa: PLR2004
        phones[0]["start_ms"] -= 5
    return json.dumps(data, ensure_ascii=False)


def _run_project(rt: Runtime, home: Path, language: str, name: str,
                 *, bad_takes: bool) -> dict[str, Any]:
    steps: list[str] = []
    with rt.session() as s:
        project = create_project(s, tts_spec(language, name))
        for user, _ in DEMO_USERS[1:]:
            add_member(s, project.id, get_user(s, user), actor_id=None)
        pid = project.id
    manifest = _write_corpus(home / name / "studio", language, bad_takes=bad_takes)
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, manifest)
    with rt.session() as s:
        checked = run_checks(s, rt.blobs, pid, workers=1)
    failed = ", ".join(f"{check} {n}" for check, n in sorted(checked.by_check.items()))
    steps.append(f"{name}: imported {report.imported}; checks {checked.passed} passed,"
                 f" {checked.rejected} rejected" + (f" (failed checks: {failed})" if failed else ""))
    with rt.session() as s:
        pre = preannotate_project(s, rt.blobs, pid, engine="tts-align", workers=1)
    steps.append(f"{name}: pre-aligned {pre['items']} utterances ({pre.get('model')})")
    with rt.session() as s:
        for pkg in create_packages(s, pid, "annotate"):
            give_package(s, pkg.id, "alice")
        create_packages(s, pid, "review")
    submitted = 0
    while True:
        with rt.session() as s:
            alice = get_user(s, "alice")
            task = claim_next_task(s, alice, pid, "annotate")
            if task is None:
                break
            payload = _corrected(task.current.payload if task.current else {})
            submit_annotation(s, alice, task.id, payload, base_version=task.current_version,
                              time_spent_ms=60_000)
            submitted += 1
    reviewed = 0
    while True:
        with rt.session() as s:
            rita = get_user(s, "rita")
            task = claim_next_task(s, rita, pid, "review")
            if task is None:
                break
            review_task(s, rita, task.id, "accept")
            reviewed += 1
    steps.append(f"{name}: alice corrected {submitted}, rita accepted {reviewed}")
    with rt.session() as s:
        batch = create_batch(s, pid)
        ivan = get_user(s, "ivan")
        insp = start_inspection(s, batch.id, ivan)
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], _inspected(smp["delivered_text"]))
        done = complete_inspection(s, insp.id, ivan)
    scores = ", ".join(f"{metric.replace('_', ' ')} {value:.4f}" for metric, value in
                       done.scores.items() if metric.endswith("accuracy")
                       and isinstance(value, float))
    steps.append(f"{name}: inspection {done.verdict} ({scores})")
    out: dict[str, Any] = {"project_id": pid, "checks": {"passed": checked.passed,
                                                         "rejected": checked.rejected,
                                                         "by_check": dict(checked.by_check)},
                           "preannotation_model": pre.get("model"), "annotated": submitted,
                           "reviewed": reviewed, "inspection": {"verdict": done.verdict,
                                                                "scores": done.scores},
                           "steps": steps, "delivery_path": None}
    if done.verdict == "accepted":
        with rt.session() as s:
            delivery = deliver_batch(s, rt.blobs, batch.id, home / "deliveries",
                                     formats=TTS_FORMATS)
        out["delivery_path"] = delivery.path
        steps.append(f"{name}: delivered {delivery.delivered_items} utterances as"
                     f" {', '.join(TTS_FORMATS)}")
    return out


def build_tts_demo(runtime: Runtime, home: Path, *, zh: bool = True) -> dict[str, Any]:
    """Create and run the TTS demo projects (see the module docstring); returns per project
    its id, check counts, pre-alignment model, inspection verdict and scores, delivery path
    and the steps as sentences."""
    ensure_demo_users(runtime)
    result: dict[str, Any] = {
        "en": _run_project(runtime, home, "en-US", "demo-tts-en", bad_takes=True)}
    if zh:
        result["zh"] = _run_project(runtime, home, "zh-CN", "demo-tts-zh", bad_takes=False)
    result["steps"] = [s for r in list(result.values()) for s in r["steps"]]
    return result
