"""speech.tts studio checks: noise floor, reverberation, session level, format (issue 12 §2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.modalities.registry import get_modality
from datamill.modalities.tts.checks import LevelChecker, measure_studio
from datamill.modalities.tts.schema import TtsRequirements

SR = 16000


def _dry(noise_dbfs: float = -80.0, seed: int = 0) -> np.ndarray:
    """Four 400 ms voiced bursts (200 Hz + breath noise) with 800 ms pauses, a noise floor."""
    rng = np.random.default_rng(seed)
    x = np.zeros(SR * 5)
    t = np.arange(int(0.4 * SR)) / SR
    for k in range(4):
        s = int((0.2 + k * 1.2) * SR)
        x[s:s + t.size] = 0.3 * np.sin(2 * np.pi * 200 * t) + 0.05 * rng.standard_normal(t.size)
    return x + 10 ** (noise_dbfs / 20) * np.sqrt(2) * rng.standard_normal(x.size) / np.sqrt(2)


def _reverb(x: np.ndarray, tau_s: float, seed: int = 1) -> np.ndarray:
    """Convolution with an exponentially decaying noise impulse response exp(-t/tau)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(tau_s * 10 * SR)) / SR
    h = rng.standard_normal(t.size) * np.exp(-t / tau_s)
    h[0] = 1.0
    h /= np.sqrt((h ** 2).sum())
    n = x.size + h.size
    return np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(h, n), n)[: x.size]


def test_noise_floor_reads_the_pauses() -> None:
    quiet = measure_studio(_dry(-80.0), SR)["noise_floor_dbfs"]
    noisy = measure_studio(_dry(-50.0), SR)["noise_floor_dbfs"]
    assert -83 < quiet < -77
    assert -53 < noisy < -47


def test_reverberation_estimate_grows_with_the_room() -> None:
    x = _dry()
    dry = measure_studio(x, SR)["reverb_ms"]
    short = measure_studio(_reverb(x, 0.02), SR)["reverb_ms"]
    long = measure_studio(_reverb(x, 0.1), SR)["reverb_ms"]
    assert dry < 50
    assert dry < short < long
    assert 0.5 * 691 < long < 1.5 * 691  # RT60 of exp(-t/0.1) is 6.91 * 100 ms


def _write(path: Path, x: np.ndarray, subtype: str = "PCM_24", sr: int = SR) -> Path:
    sf.write(path, x.astype(np.float32), sr, subtype=subtype)
    return path


def test_plugin_checks_pass_a_dry_file_and_fail_a_reverberant_noisy_one(tmp_path: Path) -> None:
    plugin = get_modality("speech.tts")
    req = TtsRequirements.model_validate({"audio": {"sample_rate_hz": SR, "bit_depth": 24}})
    good = {o.name: o for o in plugin.run_checks(_write(tmp_path / "a.wav", _dry()), req, None)}
    assert all(o.passed for o in good.values()), [o for o in good.values() if not o.passed]
    assert {"format", "noise_floor", "reverberation", "clipping"} <= set(good)
    noisy = _write(tmp_path / "b.wav", _dry(-45.0), subtype="PCM_16")
    failed = {o.name: o for o in plugin.run_checks(noisy, req, None) if not o.passed}
    assert set(failed) == {"format", "noise_floor"}
    assert "16-bit" in (failed["format"].reason or "")
    wet = _write(tmp_path / "c.wav", _reverb(_dry(), 0.1))
    failed = {o.name: o for o in plugin.run_checks(wet, req, None) if not o.passed}
    assert set(failed) == {"reverberation"}
    assert "reverberation time" in (failed["reverberation"].reason or "")


def test_session_level_compares_with_the_session_median(tmp_path: Path) -> None:
    plugin = get_modality("speech.tts")
    checker = plugin.cross_checker({"max_level_deviation_db": 3.0,
                                    "level_reference_min_items": 3})
    assert isinstance(checker, LevelChecker)
    attrs = []
    for i, gain in enumerate((1.0, 1.05, 0.95, 1.0, 0.4)):
        path = _write(tmp_path / f"s{i}.wav", _dry() * gain)
        attrs.append(plugin.describe(path, {"session_id": "day1"}, {}).model_dump(
            exclude_none=True))
    for i, a in enumerate(attrs[:3]):
        assert checker.check(a) == [], i  # too few earlier items to judge
        checker.add(f"s{i}", a)
    ok = checker.check(attrs[3])
    assert ok[0].passed and abs(ok[0].value or 0) < 1
    quiet = checker.check(attrs[4])
    assert not quiet[0].passed and quiet[0].value == pytest.approx(-8.0, abs=0.5)
    assert "below the median of session day1" in (quiet[0].reason or "")
    other = {**attrs[4], "session_id": "day2"}
    assert checker.check(other) == []  # another session has its own median


def test_a_prompt_word_without_a_pronunciation_is_named(tmp_path: Path) -> None:
    """Digits and a Latin word inside Mandarin have no pinyin: the aligner left them out of the
    word tier silently (今天是2024年5月1日 gave 今天 是 年 月 日); the check names them."""
    from datamill.modalities.tts.checks import prompt_check, unpronounced_words

    assert unpronounced_words("今天是2024年5月1日。") == ["2024", "5", "1"]
    assert unpronounced_words("我用iPhone给妈妈打电话。") == ["iphone"]
    assert unpronounced_words("“春眠不觉晓”，处处闻啼鸟。") == []
    assert unpronounced_words("I have 2 qwzx cats.") == ["2", "qwzx"]
    assert unpronounced_words("Numbers and dates are written out in words.") == []
    bad = prompt_check("今天是2024年5月1日。")
    assert (bad.name, bad.passed, bad.value) == ("prompt_pronounceable", False, 3.0)
    assert bad.reason is not None and "'2024', '5', '1'" in bad.reason
    assert "write numbers, symbols and foreign words out" in bad.reason
    assert prompt_check("请把这本书放在桌子上。").passed
    plugin = get_modality("speech.tts")
    req = TtsRequirements.model_validate({"audio": {"sample_rate_hz": SR, "bit_depth": 24}})
    wav = _write(tmp_path / "p.wav", _dry())
    got = {o.name: o for o in plugin.run_checks(wav, req, "今天是2024年5月1日。")}
    assert not got["prompt_pronounceable"].passed and got["noise_floor"].passed
    fine = {o.name: o for o in plugin.run_checks(wav, req, "今天是二零二四年五月一日。")}
    assert fine["prompt_pronounceable"].passed


def test_the_prompt_check_is_named_and_explained_in_each_language() -> None:
    # trial 7: the dashboard's chart read "prompt_pronounceable检查未通过"
    from datamill.modalities.tts.checks import prompt_check
    from datamill.web.check_text import check_sentence
    from datamill.web.i18n import CATALOGUES, translator

    outcome = prompt_check("我有3本书。")
    assert not outcome.passed
    for lang, catalogue in CATALOGUES.items():
        assert "check.name.prompt_pronounceable" in catalogue, lang
        assert "check.fail.prompt_pronounceable" in catalogue, lang
    text = check_sentence(translator("zh-CN"), "zh-CN")(
        {"name": outcome.name, "value": outcome.value, "reason": outcome.reason})
    assert text.startswith("提示文本中有 1 个词没有读音"), text
