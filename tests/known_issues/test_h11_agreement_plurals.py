"""``datamill quality agreement`` said "1 units, 1 annotators" and "(3 pair(s))" (h11)."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.cli.aggregate import _render_agreement
from datamill.config import get_settings


def _report(units: int, annotators: int, pairs: int) -> dict[str, Any]:
    figures = {"units": units, "annotators": annotators, "level": "nominal",
               "percent_agreement": 1.0, "krippendorff_alpha": None, "cohen_kappa": None,
               "fleiss_kappa": None, "scores": {"pairs": pairs, "values": {"accuracy": 1.0}}}
    return {"round": "first", "scores": {"metric": "accuracy", "pairs": pairs},
            "rounds": {"first": figures, "current": figures}, "unavailable": {},
            "per_annotator_rounds": []}


def _printed(capsys: pytest.CaptureFixture[str], r: dict[str, Any]) -> str:
    _render_agreement(r)
    return " ".join(capsys.readouterr().out.split())


def test_english_counts_take_singular_and_plural(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "en")
    get_settings.cache_clear()
    one = _printed(capsys, _report(1, 1, 1))
    assert "1 unit, 1 annotator (" in one and "(1 pair)" in one, one
    many = _printed(capsys, _report(3, 2, 3))
    assert "3 units, 2 annotators (" in many and "(3 pairs)" in many, many
    assert "(s)" not in one + many


def test_zh_cn_counts_stay_chinese(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    text = _printed(capsys, _report(1, 1, 3))
    assert "1 个单元，1 位标注员" in text and "（3 对）" in text, text
    assert "unit" not in text and "pair" not in text
