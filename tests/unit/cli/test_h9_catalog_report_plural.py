"""``datamill catalog report`` printed "1 licences" for a dataset licensed once (h9): its row
is worded with :func:`say_count`, whose ``.one`` sentence says "1 licence"; zh-CN has no
plural: its ``.one`` sentence (the catalogues hold the same keys) is its plural one."""

from __future__ import annotations

from datamill.cli._words import CLI_WORDS, say_count

ROW = {"name": "ds", "accepted": 1, "revoked": "", "priced": "", "revenue": 1,
       "currency": "CNY", "cost": 0, "margin": 1}


def test_one_licence_is_singular() -> None:
    assert say_count("catalog.report_row", 1, licences=1, **ROW).startswith(
        "ds: 1 licence (1 accepted)")
    assert say_count("catalog.report_row", 2, licences=2, **ROW).startswith("ds: 2 licences (")
    zh = CLI_WORDS["zh-CN"]
    assert zh["catalog.report_row.one"] == zh["catalog.report_row"]
