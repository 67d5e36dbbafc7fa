"""A spec's ``text_normalization``: traditional/simplified characters and digits/Chinese numerals
count as the same text when transcripts are compared, and only when the spec says so."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.base import is_defective_in, score_in
from datamill.modalities.registry import get_modality
from datamill.production.spec import parse_spec
from datamill.qc import text_conventions
from datamill.qc.metrics import score_transcripts
from datamill.qc.text_conventions import TextNormalization, conventions_of
from datamill.qc.text_norm import normalize_text
from datamill.web.diff import word_diff
from tests.unit.production.helpers import spec

#: (simplified, traditional) twins; none is a numeral or a date/number unit for cn2an
_TWINS = [("后", "後"), ("发", "發"), ("国", "國"), ("说", "說"), ("们", "們"), ("这", "這"),
          ("时", "時"), ("会", "會"), ("话", "話"), ("买", "買"), ("东", "東"), ("车", "車")]
_PLAIN = list("我你他在的了是有和去看来好大小天人")
_DIGITS = "〇一二三四五六七八九"

_ALL = [TextNormalization(chinese_script=s, numerals=n)
        for s in (None, "simplified", "traditional") for n in (None, "hanzi", "arabic")]

_fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _hanzi_integer(n: int) -> str:
    """1..99 as said in Mandarin (the test's own oracle): 十五, 二十, 二十五."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@st.composite
def _twins(draw: st.DrawFn) -> tuple[str, str]:
    """A simplified sentence with Arabic numbers and its traditional twin with Chinese numerals
    (years digit by digit, decimals with 点); the two differ in at least one character."""
    simplified, traditional = [], []
    for _ in range(draw(st.integers(1, 4))):
        s, t = draw(st.sampled_from(_TWINS))
        plain = "".join(draw(st.lists(st.sampled_from(_PLAIN), max_size=3)))
        simplified.append(plain + s)
        traditional.append(plain + t)
        kind = draw(st.sampled_from(["none", "integer", "year", "decimal"]))
        if kind == "integer":
            n = draw(st.integers(1, 99))
            simplified.append(f"{n}个")
            traditional.append(f"{_hanzi_integer(n)}個")
        elif kind == "year":
            year = draw(st.integers(1000, 2999))
            simplified.append(f"{year}年")
            traditional.append("".join(_DIGITS[int(d)] for d in str(year)) + "年")
        elif kind == "decimal":
            whole, tenth = draw(st.integers(1, 9)), draw(st.integers(1, 9))
            simplified.append(f"{whole}.{tenth}公斤")
            traditional.append(f"{_DIGITS[whole]}点{_DIGITS[tenth]}公斤")
    return "，".join(simplified) + "。", "".join(traditional)


@_fast
@given(st.one_of(st.text(max_size=24), _twins().map(lambda pair: pair[1])),
       st.sampled_from(_ALL))
def test_normalisation_is_idempotent(text: str, conventions: TextNormalization) -> None:
    once = normalize_text(text, conventions=conventions)
    assert normalize_text(once, conventions=conventions) == once


@_fast
@given(_twins(), st.sampled_from(["simplified", "traditional"]), st.sampled_from(["hanzi", "arabic"]))
def test_a_twin_scores_perfect_only_with_the_conventions(
    pair: tuple[str, str], script: str, numerals: str,
) -> None:
    reference, hypothesis = pair
    on = TextNormalization.model_validate({"chinese_script": script, "numerals": numerals})
    score = score_transcripts([reference], [hypothesis], language="zh-CN", conventions=on)
    assert (score.character_errors, score.sentence_accuracy) == (0, 1.0), (reference, hypothesis)
    off = score_transcripts([reference], [hypothesis], language="zh-CN")
    assert off.character_errors > 0 and off.character_accuracy < 1.0


def test_each_convention_alone_covers_only_its_own_difference() -> None:
    script_only = TextNormalization(chinese_script="simplified")
    numerals_only = TextNormalization(numerals="hanzi")
    assert score_transcripts(["然後"], ["然后"], conventions=script_only).character_errors == 0
    assert score_transcripts(["然後"], ["然后"], conventions=numerals_only).character_errors == 1
    pairs = (["2026年", "3.5公斤", "50%", "1,000元"], ["二〇二六年", "三点五公斤", "百分之五十", "一千元"])
    assert score_transcripts(*pairs, conventions=numerals_only).character_accuracy == 1.0
    assert score_transcripts(*pairs, conventions=script_only).character_accuracy < 0.5
    arabic = TextNormalization(numerals="arabic")
    assert score_transcripts(*pairs, conventions=arabic).sentence_accuracy == 1.0
    # a wrong number is still an error
    assert score_transcripts(["2025年"], ["二〇二六年"], conventions=numerals_only).character_errors == 1


def test_the_speech_scorer_and_defects_follow_the_spec_mapping() -> None:
    plugin = get_modality("speech.asr")
    stored = {"chinese_script": "traditional", "numerals": "arabic"}  # as a spec stores it
    ref, hyp = "然后在二〇二六年", "然後在2026年"
    assert score_in(plugin, [ref], [hyp], "zh-TW", {}, stored)["character_accuracy"] == 1.0
    assert not is_defective_in(plugin, ref, hyp, "zh-TW", {}, stored)
    assert is_defective_in(plugin, ref, hyp, "zh-TW", {}, None)
    # both null is no convention at all
    assert conventions_of({"chinese_script": None, "numerals": None}) is None


def test_the_tables_load_once_per_process() -> None:
    conventions = TextNormalization(chinese_script="traditional", numerals="hanzi")
    score_transcripts(["後來2026年"], ["后来二〇二六年"], conventions=conventions)
    before = (text_conventions._opencc.cache_info().misses, text_conventions._cn2an.cache_info().misses)
    score_transcripts(["後來2026年"] * 50, ["后来二〇二六年"] * 50, conventions=conventions)
    after = (text_conventions._opencc.cache_info().misses, text_conventions._cn2an.cache_info().misses)
    assert after == before


def test_the_diff_marks_what_scoring_counts() -> None:
    conventions = TextNormalization(chinese_script="simplified", numerals="hanzi")
    assert word_diff("然後在2026年", "然后在二〇二六年", conventions=conventions) == [
        ("equal", "然后在二零二六年")]
    assert word_diff("他有25个", "他有二十六个", conventions=conventions) == [
        ("equal", "他有二十"), ("delete", "五"), ("insert", "六"), ("equal", "个")]
    assert ("delete", "後") in word_diff("然後", "然后")  # no conventions: as written


@pytest.mark.parametrize(("value", "message"), [
    ({"chinese_script": "simple"},
     "text_normalization.chinese_script: Input should be 'simplified' or 'traditional'"),
    ({"numerals": "roman"}, "text_normalization.numerals: Input should be 'hanzi' or 'arabic'"),
    ({"script": "simplified"}, "text_normalization.script: Extra inputs are not permitted"),
])
def test_the_spec_names_a_bad_value_by_its_path(value: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace(".", r"\.")):
        parse_spec(spec(language="zh-CN", text_normalization=value))
    parsed, _ = parse_spec(spec(language="zh-CN",
                                text_normalization={"chinese_script": "traditional"}))
    assert parsed.text_normalization == TextNormalization(chinese_script="traditional")
    assert parse_spec(spec())[0].text_normalization is None  # specs without it keep working


# -- spacing and punctuation that comparison ignores must not change how a number is read -------
# (found by review: cn2an read "2026 年" as a quantity, 二千零二十六年, and "2026年" as a year,
# 二零二六年, so with `numerals: hanzi` two transcripts the option-off comparison counts equal
# scored character accuracy 0.706 and one was a defect)

def test_spacing_beside_cjk_and_inside_numbers_reads_numbers_alike() -> None:
    plain = "我在2026年买了50%的股份，3.5倍。"
    spaced = "我在 2026 年买了 50 % 的股份 , 3. 5 倍"
    for conventions in _ALL[1:]:
        assert normalize_text(plain, language="zh-CN", conventions=conventions) == \
            normalize_text(spaced, language="zh-CN", conventions=conventions), conventions
    hanzi = TextNormalization(numerals="hanzi")
    assert normalize_text(spaced, language="zh-CN", conventions=hanzi) == \
        "我在二零二六年买了百分之五十的股份三点五倍"


@st.composite
def _spaced_twins(draw: st.DrawFn) -> tuple[str, str]:
    """A Chinese sentence with numbers, and the same with spaces and punctuation that comparison
    ignores put beside its CJK characters and between its pieces."""
    parts = draw(st.lists(st.one_of(
        st.sampled_from(_PLAIN + [t[0] for t in _TWINS] + ["年", "月", "号", "倍"]),
        st.integers(0, 99999).map(str),
        st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.integers(0, 100).map(lambda n: f"{n}%"),
    ), min_size=1, max_size=8))
    # numbers never touch: two numbers side by side are one number however they are spaced
    plain, spaced = "", ""
    for part in parts:
        if plain and (plain[-1].isdigit() or plain[-1] == "%") and part[0].isdigit():
            plain += "的"
            spaced += "的"
        gap = draw(st.sampled_from(["", " ", "，", " 、 ", "。"]))
        plain += part
        spaced += gap + part.replace("%", draw(st.sampled_from(["%", " %", "％"])))
    return plain, spaced


@_fast
@given(pair=_spaced_twins(), conventions=st.sampled_from(_ALL[1:]))
def test_ignored_spacing_never_changes_a_normalised_text(
    pair: tuple[str, str], conventions: TextNormalization
) -> None:
    plain, spaced = pair
    assert normalize_text(plain, language="zh-CN") == normalize_text(spaced, language="zh-CN")
    assert normalize_text(plain, language="zh-CN", conventions=conventions) == \
        normalize_text(spaced, language="zh-CN", conventions=conventions)


# -- 两 is the number 2 when it counts something (两百 = 二百 = 200, 两个 = 二个 = 2个) -------------
# (with `numerals: hanzi`, 两百 and 200 (二百) differed, so a transcript that wrote the number as
# said scored a character error against one that wrote digits)

_PLACES = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def _hanzi_reading(n: int, *, liang: bool) -> str:
    """1..99999 as said in Mandarin (the test's own oracle): 二百零五, or with ``liang`` 两百零五
    (两 for a 2 before 百, 千 or 万)."""
    out, zero, rest = "", False, n
    for value, unit in _PLACES:
        digit, rest = divmod(rest, value)
        if digit:
            if zero:
                out += "零"
            zero = False
            if not (unit == "十" and digit == 1 and not out):
                out += "两" if (liang and digit == 2 and unit != "十") else _DIGITS[digit]
            out += unit
        elif out:
            zero = True
    if rest:
        out += ("零" if zero else "") + _DIGITS[rest]
    return out


@_fast
@given(n=st.integers(1, 99999), unit=st.sampled_from(["", "个", "元", "人"]),
       numerals=st.sampled_from(["hanzi", "arabic"]), script=st.sampled_from([None, "traditional"]))
def test_a_number_said_with_liang_equals_its_digits(
    n: int, unit: str, numerals: str, script: str | None
) -> None:
    if n < 10 and not unit:  # a lone numeral with no measure word is not read as a number (一起)
        unit = "个"
    conventions = TextNormalization.model_validate({"chinese_script": script, "numerals": numerals})
    forms = {normalize_text(f"他有{text}{unit}", language="zh-CN", conventions=conventions)
             for text in (_hanzi_reading(n, liang=True), _hanzi_reading(n, liang=False), str(n))}
    assert len(forms) == 1, (n, forms)


@pytest.mark.parametrize("numerals", ["hanzi", "arabic"])
def test_liang_counts_as_two_only_where_it_counts_something(numerals: str) -> None:
    conventions = TextNormalization.model_validate({"numerals": numerals})

    def same(a: str, b: str) -> bool:
        return normalize_text(a, language="zh-CN", conventions=conventions) == \
            normalize_text(b, language="zh-CN", conventions=conventions)

    for a, b in [("两百", "200"), ("两百", "二百"), ("两千零五", "2005"), ("一千两百人", "1200人"),
                 ("两个", "2个"), ("两个", "二个"), ("两次", "2次"), ("两点开会", "2点开会"),
                 ("两点五公斤", "2.5公斤"), ("兩個", "2個")]:
        assert same(a, b), (a, b)
    # a wrong number is still wrong; 两 as a word of its own (两岸) or the weight unit (一两) stays
    for a, b in [("两百", "三百"), ("两个", "3个"), ("两岸", "二岸"), ("两全其美", "二全其美")]:
        assert not same(a, b), (a, b)
    if numerals == "hanzi":
        assert not same("一两", "一二")
        assert normalize_text("三两个斤两", language="zh-CN", conventions=conventions) == "三两个斤两"


# -- a number read digit by digit is its digit string (一三八 = 138, 二〇二六年 = 2026年) ----------
# (with `numerals: hanzi`, 138 became 一百三十八 and 13812345678 一百三十八亿…, so a phone number
# or code transcribed as said never matched the same one in digits; `arabic` read 零一 as 1)

_ONE_BY_ONE = {"0": "〇零", "1": "一幺"}


@st.composite
def _read_digit_by_digit(draw: st.DrawFn) -> tuple[str, str]:
    """A digit string (zeros kept) and the same read digit by digit (〇 or 零, 一 or 幺)."""
    digits = draw(st.one_of(
        st.text("0123456789", min_size=3, max_size=20),
        st.tuples(st.sampled_from("0123456789"), st.sampled_from("0123456789"))
        .map("".join).filter(lambda d: "0" in d),
    ))
    said = "".join(draw(st.sampled_from(_ONE_BY_ONE.get(d, _DIGITS[int(d)]))) for d in digits)
    return digits, said


@_fast
@given(pair=_read_digit_by_digit(), prefix=st.sampled_from(["", "电话", "我的号码是"]),
       suffix=st.sampled_from(["", "号", "房间", "年", "。"]),
       numerals=st.sampled_from(["hanzi", "arabic"]), script=st.sampled_from([None, "simplified"]))
def test_a_number_read_digit_by_digit_equals_its_digits(
    pair: tuple[str, str], prefix: str, suffix: str, numerals: str, script: str | None
) -> None:
    digits, said = pair
    conventions = TextNormalization.model_validate({"chinese_script": script, "numerals": numerals})
    as_digits = normalize_text(prefix + digits + suffix, language="zh-CN", conventions=conventions)
    as_said = normalize_text(prefix + said + suffix, language="zh-CN", conventions=conventions)
    assert as_digits == as_said, (digits, said)
    assert normalize_text(as_said, language="zh-CN", conventions=conventions) == as_said


@_fast
@given(n=st.integers(100, 99999), numerals=st.sampled_from(["hanzi", "arabic"]))
def test_a_number_by_place_digit_by_digit_and_in_digits_compare_equal(n: int, numerals: str) -> None:
    conventions = TextNormalization.model_validate({"numerals": numerals})
    forms = {normalize_text(f"有{text}个", language="zh-CN", conventions=conventions)
             for text in (_hanzi_reading(n, liang=False), "".join(_DIGITS[int(d)] for d in str(n)),
                          str(n))}
    assert len(forms) == 1, (n, forms)


def test_years_codes_and_phone_numbers_keep_the_counts_of_what_is_said() -> None:
    hanzi = TextNormalization(numerals="hanzi")

    def said(text: str) -> str:
        return normalize_text(text, language="zh-CN", conventions=hanzi)

    assert said("2026年") == said("二〇二六年") == said("二零二六年") == "二零二六年"
    assert said("两千零八年") == said("2008年") == "二零零八年"  # a year said by place
    assert said("30年") == said("三十年") == "三十年"  # a count of years, not a year
    assert said("300年") == "三百年"
    assert said("300人") == "三百人" and said("3.5公斤和300人") == "三点五公斤和三百人"
    assert said("13812345678") == said("幺三八一二三四五六七八") == "一三八一二三四五六七八"
    assert said("007") == said("零零七") == "零零七"
    assert said("12345678901234567890年") == "一二三四五六七八九零一二三四五六七八九零年"  # past cn2an
    assert said("1000000元") == said("一百万元") == "一百万元"
    assert said("007") != said("七") and said("五六个") != said("56个")  # five or six
    arabic = TextNormalization(numerals="arabic")
    assert normalize_text("零一", conventions=arabic) == normalize_text("01", conventions=arabic)
    assert normalize_text("零一", conventions=arabic) != normalize_text("1", conventions=arabic)


# -- the option off is no conversion at all ---------------------------------------------------------

_NUMBERISH = st.lists(st.sampled_from([*"两二〇零一幺三百千万年个点.,%0123456789后後 ", "<noise>"]),
                      max_size=24).map("".join)


@_fast
@given(text=st.one_of(st.text(max_size=24), _NUMBERISH),
       off=st.sampled_from([None, TextNormalization(), {"chinese_script": None, "numerals": None}]))
def test_with_the_option_off_texts_are_compared_as_written(
    text: str, off: TextNormalization | dict[str, None] | None
) -> None:
    conventions = conventions_of(off)
    assert conventions is None or not conventions.active
    assert text_conventions.apply_conventions(text, conventions) is text
    for language in (None, "zh-CN"):
        assert normalize_text(text, language=language, conventions=conventions) == \
            normalize_text(text, language=language)
    # numbers and scripts as written: nothing converts 两百 / 200 / 二〇二六 / 後 into another
    assert normalize_text("两百200二〇二六年13812345678後", language="zh-CN", conventions=conventions) \
        == "两百200二〇二六年13812345678後"


# -- a numeral is converted only where it is a number (trial: Mandarin ASR scoring) --------------
# (cn2an's transform turned every numeral character into a digit: 统一 → 统1, 一起 → 1起,
# 星期一 → 星期1, 零下五度 → 0下5度; so an annotator who typed 我们1起去 for 我们一起去 scored 0
# errors. With `hanzi`, 1起 became 一起 the same way.)

_ARABIC = TextNormalization(chinese_script="simplified", numerals="arabic")
_HANZI = TextNormalization(chinese_script="simplified", numerals="hanzi")
#: words that hold a numeral character without being a number
_WORDS_WITH_A_NUMERAL = ["统一", "一起", "星期一", "三明治", "零下", "一下", "一样", "唯一", "一点"]


@pytest.mark.parametrize("conventions", [_ARABIC, _HANZI], ids=["arabic", "hanzi"])
def test_a_word_that_holds_a_numeral_stays_as_written(conventions: TextNormalization) -> None:
    for word in _WORDS_WITH_A_NUMERAL:
        assert normalize_text(f"我们{word}去", language="zh-CN", conventions=conventions) \
            == f"我们{word}去", word
    assert normalize_text("零下五度", language="zh-CN", conventions=_ARABIC) == "零下5度"
    score = score_transcripts(["我们一起去"], ["我们1起去"], language="zh-CN", conventions=conventions)
    assert score.character_errors == 1


@pytest.mark.parametrize(("said", "digits"), [
    ("一百二十", "120"), ("两千零五", "2005"), ("第一", "第1"), ("三个", "3个"), ("一点五", "1.5"),
    ("五十", "50"), ("二十", "20"), ("一三八", "138"), ("三点钟", "3点钟"), ("一点钟", "1点钟"),
    ("五度", "5度"), ("负五度", "-5度"), ("三月五日", "3月5日"), ("十岁", "10岁"),
    ("百分之五十", "50%"), ("三到五个", "3到5个"), ("八号", "8号"), ("１２３", "123"),
])
@pytest.mark.parametrize("conventions", [_ARABIC, _HANZI], ids=["arabic", "hanzi"])
def test_a_numeral_that_is_a_number_equals_its_digits(
    said: str, digits: str, conventions: TextNormalization
) -> None:
    assert normalize_text(f"他说{said}", language="zh-CN", conventions=conventions) == \
        normalize_text(f"他说{digits}", language="zh-CN", conventions=conventions)


@_fast
@given(word=st.sampled_from(_WORDS_WITH_A_NUMERAL),
       before=st.lists(st.sampled_from(_PLAIN), max_size=3).map("".join),
       # no measure word right after the word: 统一天 may be 统 一天 (one day)
       after=st.lists(st.sampled_from([c for c in _PLAIN if c not in "天人"]), max_size=3)
       .map("".join),
       conventions=st.sampled_from([_ARABIC, _HANZI, TextNormalization(numerals="arabic")]))
def test_a_digit_typed_for_a_word_s_numeral_is_an_error(
    word: str, before: str, after: str, conventions: TextNormalization
) -> None:
    reference = before + word + after
    numeral = next(c for c in word if c in "〇零一二三四五六七八九")
    hypothesis = reference.replace(numeral, str("零一二三四五六七八九".index(numeral)), 1)
    score = score_transcripts([reference], [hypothesis], language="zh-CN", conventions=conventions)
    assert score.character_errors >= 1, (reference, hypothesis)
    assert normalize_text(reference, language="zh-CN", conventions=conventions) == reference


@pytest.mark.parametrize("conventions", [None, _ARABIC, _HANZI], ids=["none", "arabic", "hanzi"])
def test_per_cent_per_mille_and_a_minus_sign_are_content(
    conventions: TextNormalization | None,
) -> None:
    def errors(reference: str, hypothesis: str) -> int:
        return score_transcripts([reference], [hypothesis], language="zh-CN",
                                 conventions=conventions).character_errors

    assert errors("50%的人", "50的人") >= 1  # 1, or 3 with hanzi (百分之五十)
    assert errors("5‰的人", "5的人") >= 1
    assert errors("温度是-5度", "温度是5度") == 1
    assert errors("温度是−5度", "温度是-5度") == 0  # U+2212, the minus sign
    assert errors("50%的人", "50 ％ 的人") == 0
    if conventions is not None:
        assert errors("百分之五十的人", "五十的人") >= 1
        assert errors("百分之五十的人", "50%的人") == 0
        assert errors("温度是负五度", "温度是-5度") == 0
        assert errors("温度是负五度", "温度是5度") >= 1
