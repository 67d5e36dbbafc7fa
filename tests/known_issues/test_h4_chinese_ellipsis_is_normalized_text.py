"""h4, round 5: the Chinese ellipsis (省略号 ``……``, two U+2026) is NFKC's ``......``, so with the
default ``require_normalized: true`` every Chinese text holding one was refused by the
``normalized`` check ("2 characters change under NFKC/width normalisation"), and
``text prepare --normalize`` rewrote it to six ASCII full stops; full-width ``￥`` became ``¥``.
Both are kept as the other full-width punctuation (``，！？``) is; ``fullwidth_punctuation=False``
still converts them."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.text.checks import run_text_checks
from datamill.modalities.text.schema import TextChecksRequirements
from datamill.modalities.text.sources import prepare_text_source
from datamill.modalities.text.textio import count_denormalized, normalize_text
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

LINES = ["他说……好吧，明天再谈。", "这件衣服￥１００元。"]


def test_the_chinese_ellipsis_and_yuan_sign_pass_the_normalized_check(tmp_path: Path) -> None:
    req = TextChecksRequirements.model_validate(TEXT_REQUIREMENTS["text"])
    out = {o.name: o for o in run_text_checks(LINES[0].encode(), "a.txt", req)}
    assert out["normalized"].passed, out["normalized"].reason
    assert normalize_text(LINES[0]) == LINES[0] and count_denormalized(LINES[0]) == 0
    assert normalize_text(LINES[1]) == "这件衣服￥100元。"  # full-width digits still folded
    assert normalize_text(LINES[0], fullwidth_punctuation=False) == "他说......好吧,明天再谈。"
    src = tmp_path / "lines.txt"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    got = prepare_text_source(src, tmp_path / "out", normalize=True)
    texts = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.txt"))
    assert got.items == 2 and texts == sorted(["他说……好吧，明天再谈。", "这件衣服￥100元。"])
