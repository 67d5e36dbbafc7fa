"""Trial: masking missed email addresses in other scripts (``张伟@例子.中国``, ``user@bücher.de``,
Cyrillic local parts) and cut ``josé.garcía@correo.es`` to its ASCII tail ``a@correo.es``,
leaving the name readable. The detector was tuned on ``TUNING`` (recall 0/13 → 13/13,
precision → 13/13); ``HELD_OUT`` was written before it and never tuned on (recall 1/12 →
12/12, precision 12/13: ``见下图@2x.png`` reads as an address, as ``图@2x.png`` would)."""

from __future__ import annotations

import pytest

from datamill.compliance.pii import find_pii, mask_text

TUNING_FOUND = [
    ("请联系张伟@例子.中国", "张伟@例子.中国"),
    ("user@bücher.de", "user@bücher.de"),
    ("иван@пример.рф", "иван@пример.рф"),
    ("邮箱：李娜@公司.中国，谢谢", "李娜@公司.中国"),
    ("Write to müller@münchen.de today", "müller@münchen.de"),
    ("δοκιμή@παράδειγμα.ελ", "δοκιμή@παράδειγμα.ελ"),
    ("josé.garcía@correo.es", "josé.garcía@correo.es"),
    ("ivan.petrov@почта.рф", "ivan.petrov@почта.рф"),
    ("我的邮箱是wang@例子.公司", "wang@例子.公司"),
    ("ユーザー@例え.jp", "ユーザー@例え.jp"),
    ("用户＠例子．中国", "用户＠例子．中国"),
    ("test@xn--fsqu00a.xn--0zwm56d", "test@xn--fsqu00a.xn--0zwm56d"),
    ("用户@例子.中国谢谢", "用户@例子.中国"),
]
TUNING_NONE = ["@张三 你好", "价格@5.99元", "foo@bar", "a@b.c", "发送到@所有人。", "版本v1.2@beta",
               "张伟@例子", "邮箱@.中国"]
HELD_OUT_FOUND = [
    ("संपर्क: राहुल@उदाहरण.भारत", "राहुल@उदाहरण.भारत"),
    ("客服邮箱为kefu@淘宝.网络", "kefu@淘宝.网络"),
    ("Напишите мне: анна.смирнова@почта.рус", "анна.смирнова@почта.рус"),
    ("mail: δημήτρης@ελληνικά.ελ", "δημήτρης@ελληνικά.ελ"),
    ("연락처 홍길동@회사.한국", "홍길동@회사.한국"),
    ("ชื่อ@ตัวอย่าง.ไทย", "ชื่อ@ตัวอย่าง.ไทย"),
    ("françois@société.fr", "françois@société.fr"),
    ("王小明@学校.中國。", "王小明@学校.中國"),
    ("邮件发到 陈静@例子.中国 即可", "陈静@例子.中国"),
    ("support@сайт.рф", "support@сайт.рф"),
    ("zhang.wei+news@gmail.com", "zhang.wei+news@gmail.com"),
    ("用户名＠邮件．中国", "用户名＠邮件．中国"),
]
HELD_OUT_NONE = ["@所有人 明天开会", "价格：100元@3件", "微信号@abc", "会议室@3楼.东侧", "邮箱: 无",
                 "email@", "@.com"]
#: the held-out set's one false positive, kept in view
HELD_OUT_KNOWN_WRONG = {"见下图@2x.png": "见下图@2x.png"}


def _emails(text: str) -> list[str]:
    return [s.text for s in find_pii(text, ["email"])]


@pytest.mark.parametrize(("text", "address"), TUNING_FOUND + HELD_OUT_FOUND)
def test_an_address_in_any_script_is_found_whole(text: str, address: str) -> None:
    assert _emails(text) == [address]


@pytest.mark.parametrize("text", TUNING_NONE + HELD_OUT_NONE)
def test_look_alikes_are_no_address(text: str) -> None:
    assert _emails(text) == []


def test_held_out_known_false_positive_stays_one() -> None:
    assert {t: " ".join(_emails(t)) for t in HELD_OUT_KNOWN_WRONG} == HELD_OUT_KNOWN_WRONG


def test_masking_hides_the_whole_local_part_and_keeps_the_text_around() -> None:
    assert mask_text("请联系张伟@例子.中国谢谢") == "请联系张***@例子.中国谢谢"
    assert mask_text("josé.garcía@correo.es") == "j***@correo.es"  # was "josé.garcí***@…"
    assert mask_text("邮箱：иван@пример.рф", style="tag") == "邮箱：[EMAIL]"
    once = mask_text("ivan.petrov@почта.рф 与 张伟@例子.中国", keep_length=True)
    assert once == "i**********@почта.рф 与 张*@例子.中国" and mask_text(once) == once
