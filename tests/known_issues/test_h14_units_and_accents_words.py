"""On zh-CN pages a unit beside a number stayed English ("0.120–1.480 s", "12.5 ms" on the
inspection pages) and English accents showed bare region codes ("GB 20 · US 16" in a
delivery's datasheet, the effect page's accent table): units come from the catalogue (秒/毫秒)
and an accent's region code is worded (英式（GB）/美式（US）), the code kept beside it."""

from __future__ import annotations

import re
from pathlib import Path

from datamill.web.i18n import translator
from datamill.web.routes._common import code_label

#: a number's output followed by a bare English unit: ``}} s<``, ``}} ms ·``
BARE_UNIT = re.compile(r"\}\}\s*(s|ms|sec|secs)\s*(<|·|\)|$)", re.MULTILINE)
#: templates allowed a bare unit (none: the review pages were worded after h14's round)
LEFT: set[str] = set()


def _templates() -> list[Path]:
    root = Path(__file__).parents[2] / "src" / "datamill" / "web" / "templates"
    return sorted(root.rglob("*.html"))


def test_no_template_writes_a_bare_english_unit_after_a_number() -> None:
    found = [f"{p.name}: {m.group(0)!r}" for p in _templates() if p.name not in LEFT
             for m in BARE_UNIT.finditer(p.read_text(encoding="utf-8"))]
    assert found == [], found
    zh = translator("zh-CN")
    assert (zh("unit.s"), zh("unit.ms")) == ("秒", "毫秒")


def test_accent_region_codes_are_worded_where_shown() -> None:
    zh, en = code_label(translator("zh-CN")), code_label(translator("en"))
    assert zh("dlv.ds.value", "GB") == "英式（GB）" and zh("dlv.ds.value", "US") == "美式（US）"
    assert en("dlv.ds.value", "GB") == "British (GB)"
    assert zh("dlv.ds.value", "north") == "north"  # a free-form accent stays as recorded
    root = _templates()[0].parent
    deliveries = (root / "deliveries.html").read_text(encoding="utf-8")
    effect = (root / "effect.html").read_text(encoding="utf-8")
    # the datasheet's accent split, its speakers' accent column, the effect page's accent table
    assert "if name in ('gender', 'accent')" in deliveries
    assert "tc('dlv.ds.value', r.accent)" in deliveries
    assert "if kind in ('gender', 'accent')" in effect
