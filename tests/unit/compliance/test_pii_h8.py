"""Trial h8: personal data the detector missed in transcripts and forms — people's names after
a cue, mobiles read out digit by digit or split by dots, IDs in 4-digit groups or hanzi."""

from __future__ import annotations

import pytest

from datamill.compliance.pii import find_pii, mask_text


@pytest.mark.parametrize(("text", "name"), [
    ("联系人：王小明，电话见上", "王小明"),
    ("我叫张伟，今年三十岁", "张伟"),
    ("患者李秀英今天复诊", "李秀英"),
    ("姓名：欧阳娜娜", "欧阳娜娜"),
    ("您好，我是刘洋，想咨询一下", "刘洋"),
    ("请转告陈静女士", "陈静"),
    ("客户王伟明天来", "王伟"),
    ("收件人陈静手机", "陈静"),
    ("My name is John Smith and I need help", "John Smith"),
    ("Name: Sarah O'Connor", "Sarah O'Connor"),
    ("ask for Mrs. Emily Johnson", "Emily Johnson"),
])
def test_names_after_a_cue_are_found_and_masked(text: str, name: str) -> None:
    assert [(s.kind, s.text) for s in find_pii(text)] == [("name", name)]
    masked = mask_text(text)
    assert name not in masked and len(masked) == len(text)
    assert mask_text(masked) == masked  # idempotent
    assert mask_text(text, style="tag") == text.replace(name, "[NAME]")


@pytest.mark.parametrize("text", [
    "今天天气很好", "李宁的新款跑鞋", "我是学生，今年大二", "联系人：暂无", "姓名栏请用正楷填写",
    "The name of the rose", "My name is on the list", "张家界是个好地方",
    # a cue followed by a word that merely starts with a surname's character
    "客户管理系统", "客户程序员", "病人安全很重要", "签名文件", "联系人管理", "客户关系维护",
])
def test_no_name_without_a_cue_or_a_surname(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("您拨打的号码 1 3 9 0 0 1 3 9 0 0 0 暂时无法接通", "phone", "1 3 9 0 0 1 3 9 0 0 0"),
    ("手机138.1234.5678", "phone", "138.1234.5678"),
    ("号码是一 三 九 零 零 一 三 九 零 零 零", "phone", "一 三 九 零 零 一 三 九 零 零 零"),
    ("身份证 3301 0219 9212 3045 63", "id_card", "3301 0219 9212 3045 63"),
    ("他的身份证是三三零一零二一九九二一二三零四五六三", "id_card", "三三零一零二一九九二一二三零四五六三"),
])
def test_numbers_as_transcripts_write_them(text: str, kind: str, value: str) -> None:
    assert [(s.kind, s.text) for s in find_pii(text)] == [(kind, value)]
    assert value not in mask_text(text)


@pytest.mark.parametrize("text", ["金额 13812345678.00 元", "版本 3.10.12", "序列号 1 2 3 4 5"])
def test_look_alikes_stay(text: str) -> None:
    assert find_pii(text) == []
