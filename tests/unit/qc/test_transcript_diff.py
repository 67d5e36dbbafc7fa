"""The review/inspection diff marks what scoring counts: Chinese by character, spaces next to
CJK characters, full-width punctuation, case and noise tags never shown as changes."""

from __future__ import annotations

from datamill.qc.metrics import score_transcripts
from datamill.web.diff import word_diff


def test_chinese_is_diffed_by_character_after_scoring_normalisation() -> None:
    old, new = "春 眠不觉晓，处处闻啼鸟。", "春眠不觉晓,处处闻啼鸟."
    assert score_transcripts([old], [new]).sentence_accuracy == 1.0
    assert word_diff(old, new) == [("equal", "春眠不觉晓,处处闻啼鸟.")]
    assert word_diff("春眠不觉晓。", "春眠不知晓。") == [
        ("equal", "春眠不"), ("delete", "觉"), ("insert", "知"), ("equal", "晓。")]
    assert word_diff("我用GPS导航", "我用gps导航了") == [("equal", "我用gps导航"), ("insert", "了")]


def test_space_separated_scripts_keep_words() -> None:
    assert word_diff("a b c", "a x c") == [("equal", "a"), ("delete", "b"), ("insert", "x"),
                                           ("equal", "c")]
    assert word_diff("Hello, world! [noise]", "hello world") == [("equal", "hello world")]
    assert word_diff("", "new words") == [("insert", "new words")]


def test_the_page_puts_no_space_between_chinese_runs() -> None:
    """The review/inspection pages drew '春眠不 <del>觉</del> <ins>知</ins> 晓。'."""
    from datamill.web.routes._common import templates

    page = templates.env.from_string('{% from "_diff.html" import diff %}{{ diff(runs) }}')
    zh = page.render(runs=word_diff("春眠不觉晓。", "春眠不知晓。"))
    assert "<p class=\"diff\"><span>春眠不</span><del>觉</del><ins>知</ins><span>晓。</span></p>" in zh
    en = page.render(runs=word_diff("a b c", "a x c"))
    assert "<span>a</span> <del>b</del> <ins>x</ins> <span>c</span></p>" in en
