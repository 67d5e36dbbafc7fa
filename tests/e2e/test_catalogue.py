"""Every UI string key the templates use exists in the catalogue; diffs and peaks are right."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.web.diff import word_diff
from datamill.web.i18n import EN, t
from datamill.web.peaks import compute_peaks

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "datamill" / "web" / "templates"


def test_every_template_key_is_in_the_english_catalogue() -> None:
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"t\('([a-z_.]+)'(?!\s*~)", text))
        prefixes |= set(re.findall(r"t\('([a-z_.]+)'\s*~", text))  # 'fin.ratio.st_' ~ status
        used |= set(re.findall(r"\('(?:help|home)\.[a-z_]+'", text))  # keys passed as values
        used |= {f"rv.reason.{c}" for c in ("wrong_words", "noise", "segmentation", "speaker",
                                            "guidelines", "other")}
    used = {k.strip("('") for k in used if not k.endswith(".")}
    assert used, "no keys found"
    assert sorted(used - set(EN)) == []
    # a key built from a prefix and a value: the catalogue words at least one of the family
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in EN)) == []
    assert t("no.such.key") == "no.such.key"


def test_word_diff_marks_changes() -> None:
    assert word_diff("a b c", "a x c") == [("equal", "a"), ("delete", "b"), ("insert", "x"),
                                           ("equal", "c")]
    assert word_diff("", "new words") == [("insert", "new words")]


def test_peaks_are_per_bucket_min_max(tmp_path: Path) -> None:
    sr = 8000
    x = np.zeros(sr * 2, dtype=np.float32)
    x[:sr] = np.where(np.arange(sr) % 2, 0.5, -0.25)  # first second loud, second silent
    sf.write(tmp_path / "a.wav", x, sr, subtype="PCM_16")
    p = compute_peaks(tmp_path / "a.wav", buckets=4)
    assert p["duration_s"] == 2.0
    assert p["peaks"] == [-32, 64, -32, 64, 0, 0, 0, 0]
