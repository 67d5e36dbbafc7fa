"""Trial h7: the text inspection list wrote each sample's two versions (every span's words and
label, the classes, the sentiment) in Jinja loops; a long document's 1,000 spans × 2 versions ×
5 samples took 1.4 s of the page's 1.7 s. ``version_words`` makes the same line in Python
(the page's HTML is byte for byte what the loops made: 0.18 s)."""

from __future__ import annotations

from datamill.web.text_spans import version_words


def test_a_version_in_words_as_the_page_wrote_it() -> None:
    doc = {"spans": [{"start": 0, "end": 2, "label": "PER"}, {"start": 3, "end": 6, "label": "LOC"}],
           "classes": ["news", "sport"], "sentiment": "positive"}
    text = "张伟在𠮷野家吃饭"  # 𠮷 is one code point (two UTF-16 units): offsets are code points
    assert version_words(text, doc, "「", "」") == "「张伟」/PER 「𠮷野家」/LOC news, sport positive"
    # a long document whose text the page has not: the offsets
    assert version_words("", doc, "«", "»") == "«0–2»/PER «3–6»/LOC news, sport positive"
    assert version_words(text, None, "«", "»") == " "
    assert version_words(text, {"spans": [], "sentiment": None}, "«", "»") == " "
