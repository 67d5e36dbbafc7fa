"""Issue 12 §2: the TTS demo goes from studio takes to a delivery in three formats, its bad
takes caught by the studio checks and its tiers pre-aligned."""

from __future__ import annotations

from pathlib import Path

from praatio import textgrid as tgio

from datamill.demo.tts import build_tts_demo
from datamill.runtime import Runtime
from datamill.testing.synth import espeak_available
from tests._tools import require_tool


def test_tts_demo_runs_to_delivery(runtime: Runtime, tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng")
    result = build_tts_demo(runtime, tmp_path)
    en, zh = result["en"], result["zh"]
    assert en["checks"]["passed"] == 6 and en["checks"]["rejected"] == 2, result["steps"]
    by_check = en["checks"]["by_check"]
    assert by_check["reverberation"] == 1 and by_check["session_level"] == 1, by_check
    assert en["preannotation_model"].startswith("pocketsphinx")
    assert zh["checks"] == {"passed": 3, "rejected": 0, "by_check": {}}
    assert zh["preannotation_model"] == "proportional"
    for r in (en, zh):
        assert r["inspection"]["verdict"] == "accepted", r["steps"]
        assert r["inspection"]["scores"]["boundary_deviation_mean_ms"] > 0
        root = Path(r["delivery_path"])
        grids = sorted((root / "tts_textgrid").glob("*.TextGrid"))
        assert len(grids) == r["annotated"]
        tiers = tgio.openTextgrid(str(grids[0]), includeEmptyIntervals=False).tierNames
        assert "phones" in tiers and "prosody" in tiers
        assert (root / "espnet_tts" / "durations").is_file()
        assert len(list((root / "mfa_corpus" / "voice1").glob("*.lab"))) == r["annotated"]
    assert "#2" in (Path(zh["delivery_path"]) / "tts_textgrid").glob("*.TextGrid").__next__() \
        .read_text(encoding="utf-8")


def test_the_chinese_studio_voice_reads_mandarin() -> None:
    """Trial h6 (round 4): the Chinese demo voice was espeak-ng's ``cmn``, which reads 你好 as
    English "ni three hao three": the corpus's pinyin labels described English speech."""
    import shutil
    import subprocess

    from datamill.demo.tts import ZH_PROMPTS, ZH_VOICE

    exe = shutil.which("espeak-ng")
    if exe is None:
        require_tool("espeak-ng")
        return
    for text in ZH_PROMPTS:
        phones = subprocess.run([exe, "-q", "-x", "-v", ZH_VOICE, text], check=True,  # noqa: S603
                                capture_output=True, text=True).stdout
        assert "(en)" not in phones, (text, phones)  # no switch to English
