"""A labelled, deterministic corpus of Chinese and English sentences with personal information.

Every sentence comes with the exact spans of the personal information it holds (kinds as in
:mod:`datamill.compliance.pii`) and may hold look-alikes that are *not* personal information:
order and tracking numbers, timestamps, amounts, prices, years, dates, hanzi counts,
Luhn-invalid card numbers, identity numbers with a wrong check digit and no identity keyword
before them, unissued social security numbers and landline-shaped numbers whose local part
cannot be dialled. An identity number with a wrong check digit right after a keyword (身份证,
ID ...) is personal information: a mistyped ID is still the person's ID.

Two template sets exist: ``"train"`` (what the unit tests draw from) and ``"heldout"`` (other
sentences, other number formats — full-width digits, dashes, ``+86``/``0086``, grouped cards,
legacy 15-digit IDs, English apartments, hanzi-digit mobiles, grouped IDs, landlines, North
American phones, US social security numbers — used by ``bench/pii_recall.py``). The same seed always
gives the same corpus.

The value generators (:func:`make_resident_id`, :func:`make_mobile`, :func:`make_bank_card` ...)
are public so that property tests can embed them in arbitrary text.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from datamill.compliance.pii import id_check_digit, luhn_valid

__all__ = [
    "LabelledText",
    "generate_corpus",
    "make_bad_check_id",
    "make_bank_card",
    "make_email",
    "make_en_address",
    "make_grouped_id",
    "make_hanzi_mobile",
    "make_landline",
    "make_luhn_invalid_card",
    "make_mobile",
    "make_nanp_phone",
    "make_resident_id",
    "make_ssn",
    "make_zh_address",
]

_REGIONS = ("110101", "110105", "120101", "310104", "310115", "320102", "330106", "370202",
            "420106", "440103", "440305", "510107", "610113", "500103", "230102", "650102")
_CARD_PREFIXES = (("62", (16, 19)), ("622202", (19,)), ("4", (16,)), ("51", (16,)),
                  ("55", (16,)), ("2221", (16,)), ("37", (15,)), ("3528", (16,)),
                  ("6011", (16,)), ("36", (14,)))
_MOBILE_PREFIXES = tuple(str(n) for n in (
    130, 131, 132, 133, 135, 136, 137, 138, 139, 147, 150, 151, 152, 155, 157, 158, 159, 166,
    170, 173, 176, 177, 180, 181, 182, 186, 187, 188, 189, 191, 195, 198, 199,
))

_PLACES = (  # province (or municipality), city, district
    ("北京市", "", "朝阳区"), ("北京市", "", "海淀区"), ("上海市", "", "浦东新区"),
    ("上海市", "", "徐汇区"), ("天津市", "", "和平区"), ("重庆市", "", "渝中区"),
    ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"), ("江苏省", "苏州市", "姑苏区"), ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"), ("山东省", "青岛市", "市南区"), ("陕西省", "西安市", "雁塔区"),
    ("河南省", "郑州市", "金水区"), ("福建省", "厦门市", "思明区"), ("辽宁省", "沈阳市", "和平区"),
)
_ROADS = ("建国路", "人民路", "中山北路", "解放大道", "长安街", "南京东路", "淮海中路", "文三路",
          "深南大道", "学院路", "五一路", "科技园路", "东风路", "和平里大街", "幸福巷", "光明胡同")
_ESTATES = ("阳光小区", "翠苑新村", "金色家园", "万科花园", "国贸大厦", "锦绣公寓", "绿城花园")
_SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "杰", "明", "晓燕", "建华", "丽娟")
_EN_FIRST = ("John", "Mary", "Alice", "Robert", "Linda", "James", "Emma", "Wei", "Olivia")
_EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Lee", "Walker", "Chen", "Miller")
_EN_STREETS = ("Main", "Oak", "Maple", "Baker", "Elm", "Park", "Pine", "Cedar", "Sunset",
               "Washington", "Lake View", "Mill Creek")
_EN_TYPES = ("Street", "St.", "Avenue", "Ave.", "Road", "Rd.", "Lane", "Drive", "Boulevard",
             "Court", "Way", "Place")
_EN_CITIES = (("Springfield", "IL"), ("Portland", "OR"), ("Austin", "TX"), ("Boston", "MA"),
              ("Denver", "CO"), ("Madison", "WI"))
_DOMAINS = ("example.com", "mail.example.org", "163.com", "qq.com", "example.cn",
            "corp.example.com.cn", "test.io")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _birth(rng: random.Random) -> dt.date:
    return dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 85 * 365))


def make_resident_id(rng: random.Random, *, lower_x: bool = False) -> str:
    """A valid 18-character resident ID (real region prefix, birth 1930-2014, check digit)."""
    body = rng.choice(_REGIONS) + _birth(rng).strftime("%Y%m%d") + _digits(rng, 3)
    check = id_check_digit(body)
    return body + (check.lower() if lower_x else check)


def make_legacy_id(rng: random.Random) -> str:
    """An old 15-digit resident ID (region, YYMMDD born 1930-1999, sequence)."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 69 * 365))
    return rng.choice(_REGIONS) + born.strftime("%y%m%d") + _digits(rng, 3)


def make_bad_check_id(rng: random.Random) -> str:
    """An 18-character ID whose check digit is wrong (everything else valid)."""
    good = make_resident_id(rng)
    return good[:17] + rng.choice([c for c in "0123456789X" if c != good[17]])


def _luhn_digit(partial: str) -> str:
    for d in string.digits:
        if luhn_valid(partial + d):
            return d
    raise AssertionError("unreachable")


def make_bank_card(rng: random.Random, *, sep: str = "", group: int = 4) -> str:
    """A Luhn-valid card number with a real issuer prefix, optionally grouped with ``sep``."""
    prefix, lengths = rng.choice(_CARD_PREFIXES)
    n = rng.choice(lengths)
    partial = prefix + _digits(rng, n - len(prefix) - 1)
    return _group(partial + _luhn_digit(partial), sep, group)


def make_luhn_invalid_card(rng: random.Random, *, sep: str = "") -> str:
    """A card-shaped number with a real issuer prefix whose Luhn check fails."""
    good = make_bank_card(rng)
    bad = good[:-1] + rng.choice([d for d in string.digits if d != good[-1]])
    return _group(bad, sep, 4)


def _group(digits: str, sep: str, size: int) -> str:
    if not sep:
        return digits
    return sep.join(digits[i:i + size] for i in range(0, len(digits), size))


def make_mobile(rng: random.Random, style: str = "plain") -> str:
    """A mainland mobile number: ``plain``, ``space``/``dash`` (3-4-4), ``+86``, ``0086``,
    ``+86-dash`` or ``fullwidth``."""
    d = rng.choice(_MOBILE_PREFIXES) + _digits(rng, 8)
    if style == "space":
        return f"{d[:3]} {d[3:7]} {d[7:]}"
    if style == "dash":
        return f"{d[:3]}-{d[3:7]}-{d[7:]}"
    if style == "+86":
        return "+86 " + d
    if style == "+86-dash":
        return f"+86-{d[:3]}-{d[3:7]}-{d[7:]}"
    if style == "0086":
        return "0086" + d
    if style == "fullwidth":
        return d.translate({ord(c): 0xFF10 + int(c) for c in string.digits})
    return d


_HANZI = "〇一二三四五六七八九"


def make_hanzi_mobile(rng: random.Random, *, yao: bool = False, sep: str = "") -> str:
    """A mobile number spelt in hanzi digits (``yao``: 幺 for 1, 零 for some 0s), optionally in
    3-4-4 groups split by ``sep``."""
    d = make_mobile(rng)
    digits = [_HANZI[int(c)] for c in d]
    if yao:
        digits = ["幺" if c == "一" else ("零" if c == "〇" and rng.random() < 0.5 else c)
                  for c in digits]
    h = "".join(digits)
    return sep.join((h[:3], h[3:7], h[7:])) if sep else h


def make_grouped_id(rng: random.Random, sep: str = " ") -> str:
    """A valid resident ID written in 6-8-4 groups split by ``sep``."""
    v = make_resident_id(rng)
    return sep.join((v[:6], v[6:14], v[14:]))


def make_landline(rng: random.Random) -> str:
    """A mainland landline: ``010-xxxxxxxx``, ``0755-xxxxxxx(x)`` or ``(021)xxxxxxxx``."""
    area = rng.choice(("010", "021", "020", "0755", "0571", "0351"))
    local = str(rng.randint(2, 8)) + _digits(rng, 7 if len(area) == 3 else rng.choice((6, 7)))
    return f"({area}){local}" if rng.random() < 0.2 else f"{area}-{local}"


def make_nanp_phone(rng: random.Random) -> str:
    """A North American number: ``(415) 555-2671``, ``415-555-2671`` or ``+1 415 555 2671``."""
    a, b, c = str(rng.randint(200, 999)), str(rng.randint(200, 999)), _digits(rng, 4)
    return rng.choice((f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}"))


def make_ssn(rng: random.Random, *, valid: bool = True) -> str:
    """A US social security number ``AAA-GG-SSSS`` (``valid=False``: an unissued one)."""
    if not valid:
        return rng.choice((f"000-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                           f"666-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                           f"9{_digits(rng, 2)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                           f"{rng.randint(100, 665)}-00-{rng.randint(1000, 9999)}",
                           f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-0000"))
    return f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def make_email(rng: random.Random) -> str:
    local = rng.choice((
        lambda: rng.choice(_EN_FIRST).lower() + "." + rng.choice(_EN_LAST).lower(),
        lambda: rng.choice(_EN_FIRST).lower() + _digits(rng, rng.randint(0, 4)),
        lambda: rng.choice(_MOBILE_PREFIXES) + _digits(rng, 8),
        lambda: "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
        + rng.choice(("", "_", "+news", "-cn")),
    ))()
    return f"{local}@{rng.choice(_DOMAINS)}"


def make_zh_address(rng: random.Random, *, form: str | None = None) -> str:
    """A Chinese street-level address in one of several forms."""
    prov, city, district = rng.choice(_PLACES)
    road, num = rng.choice(_ROADS), f"{rng.randint(1, 999)}号"
    unit = f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 32)}0{rng.randint(1, 4)}室"
    form = form or rng.choice(("full", "city", "road", "estate", "district", "long"))
    if form == "full":
        return prov + city + district + road + num
    if form == "city":
        return (city or prov) + district + road + num
    if form == "road":
        return road + num
    if form == "estate":
        return rng.choice(_ESTATES) + unit
    if form == "district":
        return district + road + num + rng.choice(_ESTATES) + unit
    return prov + city + district + road + num + unit


_VILLAGES = ("杨家村", "新庄村", "石桥村", "柳树湾村")
_COUNTIES = (("河北省", "保定市", "清苑县", "东闾乡"), ("浙江省", "金华市", "浦江县", "黄宅镇"),
             ("四川省", "绵阳市", "三台县", "芦溪镇"))
_CN_NUMERALS = ("一", "二", "三", "五", "八", "十二", "二十")


def make_zh_address_extra(rng: random.Random) -> str:
    """Forms the tests never use: villages, 号院/号楼, Chinese numerals, no province suffix."""
    prov, city, county, town = rng.choice(_COUNTIES)
    pick = rng.randrange(4)
    if pick == 0:
        return f"{prov}{city}{county}{town}{rng.choice(_VILLAGES)}{rng.randint(1, 200)}号"
    if pick == 1:
        p, c, d = rng.choice(_PLACES)
        return f"{p}{c}{d}{rng.choice(_ROADS)}{rng.randint(1, 99)}号院{rng.randint(1, 20)}号楼"
    if pick == 2:
        return f"{rng.choice(_ROADS)}{rng.choice(_CN_NUMERALS)}号"
    p, c, d = rng.choice(_PLACES)
    return f"{p.rstrip('省市')}{c}{d}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"


def make_en_address(rng: random.Random, *, apartment: bool = False, city: bool = False) -> str:
    direction = rng.choice(("", "", "", "N. ", "West "))
    addr = f"{rng.randint(1, 9999)} {direction}{rng.choice(_EN_STREETS)} {rng.choice(_EN_TYPES)}"
    if apartment:
        addr += f", {rng.choice(('Apt', 'Suite', 'Unit'))} {rng.randint(1, 40)}"
    if city:
        name, state = rng.choice(_EN_CITIES)
        addr += f", {name}, {state} {_digits(rng, 5)}"
    return addr


# -- decoys (never labelled) -----------------------------------------------------------------


def _order_number(rng: random.Random) -> str:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
    return day.strftime("%Y%m%d") + _digits(rng, rng.choice((8, 10, 12)))


def _timestamp(rng: random.Random) -> str:
    t = dt.datetime(2023, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(6 * 10**7))
    return rng.choice((
        str(int(t.timestamp() * 1000)), str(int(t.timestamp())), t.strftime("%Y%m%d%H%M%S"),
        t.strftime("%Y-%m-%d %H:%M:%S"), t.strftime("%Y年%m月%d日 %H:%M"),
    ))


def _bad_landline(rng: random.Random) -> str:
    """Landline-shaped, but a local number starting 0, 1 or 9 is never dialled as one."""
    return rng.choice(("010", "021", "0755", "0571")) + "-" + rng.choice("019") + _digits(rng, 7)


def _hanzi_count(rng: random.Random) -> str:
    return "".join(rng.choice(_HANZI[1:]) for _ in range(rng.randint(1, 4))) + rng.choice("个次张人")


def _date(rng: random.Random) -> str:
    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
    return day.strftime(rng.choice(("%Y-%m-%d", "%Y年", "%Y/%m/%d")))


def _en_order(rng: random.Random) -> str:
    return rng.choice((f"{rng.randint(200, 999)}-{rng.randint(200, 999)}-{_digits(rng, 4)}",
                       f"{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 4)}",
                       f"#{_digits(rng, 3)}-{_digits(rng, 7)}"))


def _tracking(rng: random.Random) -> str:
    return rng.choice(("SF", "YT", "JD")) + _digits(rng, 12)


def _amount(rng: random.Random) -> str:
    return f"{rng.randint(1, 99999):,}.{rng.randint(0, 99):02d}"


def _imei(rng: random.Random) -> str:
    partial = rng.choice(("86", "35", "01")) + _digits(rng, 12)
    return partial + _luhn_digit(partial)


def _bad_mobile(rng: random.Random) -> str:
    return "12" + _digits(rng, 9)


# -- sentence assembly -----------------------------------------------------------------------


@dataclass
class LabelledText:
    """A sentence and its personal information as ``(kind, start, end)`` spans."""

    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    template: str = ""


Slot = tuple[str | None, Callable[[random.Random], str]]


def _name_zh(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _name_en(rng: random.Random) -> str:
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"


# slot name -> (kind or None for a decoy / plain filler, generator)
_SLOTS: dict[str, Slot] = {
    "id": ("id_card", make_resident_id),
    "idx": ("id_card", lambda r: make_resident_id(r, lower_x=True)),
    "id15": ("id_card", make_legacy_id),
    "phone": ("phone", make_mobile),
    "phone_any": ("phone", lambda r: make_mobile(r, r.choice(
        ("plain", "space", "dash", "+86", "+86-dash", "0086", "fullwidth")))),
    "email": ("email", make_email),
    "card": ("bank_card", make_bank_card),
    "card_grouped": ("bank_card", lambda r: make_bank_card(r, sep=r.choice((" ", "-")))),
    "addr": ("address", make_zh_address),
    "addr_en": ("address", make_en_address),
    "addr_extra": ("address", make_zh_address_extra),
    "phone_paren": ("phone", lambda r: "(+86) " + make_mobile(r, "space")),
    "imei": (None, _imei),
    "road_only": (None, lambda r: r.choice(_ROADS)),
    "day": (None, lambda r: str(r.randint(1, 28))),
    "qq": (None, lambda r: str(r.randint(10**8, 10**10))),
    "addr_en_full": ("address", lambda r: make_en_address(r, apartment=r.random() < 0.5,
                                                          city=True)),
    "bad_id": (None, make_bad_check_id),
    # the same number right after an identity keyword: a mistyped ID is still someone's ID
    "bad_id_cued": ("id_card", make_bad_check_id),
    "bad_card": (None, lambda r: make_luhn_invalid_card(r, sep=r.choice(("", " ")))),
    "order": (None, _order_number),
    "ts": (None, _timestamp),
    "landline": ("phone", make_landline),
    "bad_landline": (None, _bad_landline),
    "phone_hanzi": ("phone", lambda r: make_hanzi_mobile(r, yao=r.random() < 0.5,
                                                         sep=r.choice(("", "", " ", "-")))),
    "id_grouped": ("id_card", lambda r: make_grouped_id(r, r.choice((" ", "-")))),
    "phone_us": ("phone", make_nanp_phone),
    "ssn": ("ssn", make_ssn),
    "bad_ssn": (None, lambda r: make_ssn(r, valid=False)),
    "price": (None, lambda r: f"¥{r.randint(1, 999)}.{r.randint(0, 99):02d}"),
    "hanzi_count": (None, _hanzi_count),
    "date": (None, _date),
    "en_order": (None, _en_order),
    "tracking": (None, _tracking),
    "amount": (None, _amount),
    "bad_phone": (None, _bad_mobile),
    # a name after a cue that says it is one (收件人, 联系人 ...) is personal data the detector
    # finds; one in running text with no cue is filler it does not claim to find
    "name": ("name", _name_zh),
    "name_plain": (None, _name_zh),
    "name_en_plain": (None, _name_en),
}

TRAIN_TEMPLATES: tuple[str, ...] = (
    "我的身份证号码是{id}，请核对。",
    "联系电话：{phone}，邮箱：{email}。",
    "请把货寄到{addr}，收件人{name}，电话{phone}。",
    "工资卡号{card}，开户人{name}。",
    "订单号{order}已发货，下单时间{ts}。",
    "Contact {name_en_plain} at {email} or {phone}.",
    "Ship to {addr_en}. Order {order}.",
    "身份证{bad_id_cued}校验失败，请重新输入。",
    "卡号{bad_card}无效。",
    "{name_plain}住在{addr}，手机{phone}，身份证{id}。",
)

HELDOUT_TEMPLATES: tuple[str, ...] = (
    "{name_plain}（身份证：{idx}）于{ts}办理了开户业务，预留手机{phone_any}。",
    "收货地址：{addr}；联系人：{name}；手机：{phone_any}",
    "客户{name}的银行账户{card_grouped}已冻结，运单号{order}，查询时间{ts}。",
    "邮件请发至{email}，抄送{email}，座机{landline}。",
    "发票编号{order}，金额{amount}元，快递单号{tracking}。",
    "The customer ({email}) paid with card {card_grouped} on {ts}; order {order}.",
    "Please deliver to {addr_en_full} before Friday. Tracking number {tracking}.",
    "老用户{name_plain}的旧身份证号{id15}需要换领新证{id}。",
    "系统日志：用户{phone_any}在{ts}登录，设备号{order}，IP已记录。",
    "退款{amount}元将退回卡号为{card}的银行卡，如有疑问请致电{landline}。",
    "他把{bad_card}和{bad_id}都输错了，后来改成{card}。",
    "Send the invoice to {name_en_plain}, {addr_en_full}, phone {phone_any}, mail {email}.",
    "快递放在{addr}门口就行，电话{phone_any}，谢谢！",
    "验证码发送到{bad_phone}失败，请检查号码。订单{order}。",
    "Reference {tracking}: ID {id} verified at {ts} by agent {name_en_plain}.",
    "户籍地址：{addr_extra}，本人QQ号{qq}，手机{phone_paren}。",
    "请于{ts}前把材料送到{addr_extra}，逾期不候。",
    "明天{day}号下午在{road_only}见面，坐地铁{day}号线，手机IMEI是{imei}。",
    "Device IMEI {imei} registered to {email} on {ts}.",
    "我搬家了，新地址是{addr}，旧地址{addr}不再使用。",
    "我的手机号是{phone_hanzi}，你记一下。",
    "他说号码是{phone_hanzi}，买了{hanzi_count}，花了{price}，{date}到账。",
    "身份证号码{id_grouped}，办理日期{date}，座机{landline}，备用{bad_landline}。",
    "Call me at {phone_us} after {date}; my SSN is {ssn}, not {bad_ssn}.",
    "Your order {en_order} ships on {date}. Questions? Call {phone_us} or write to {email}.",
    "{date}共收到{hanzi_count}投诉，总计{price}，订单{order}。",
    "证件号码：{bad_id_cued}（客户口述，校验位存疑），已转人工核对。",
)

_SLOT_RE = re.compile(r"\{(\w+)\}")


def render(template: str, rng: random.Random) -> LabelledText:
    """Fill one template, recording where each personal-information value landed."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    length = 0
    for m in _SLOT_RE.finditer(template):
        literal = template[pos:m.start()]
        out.append(literal)
        length += len(literal)
        kind, make = _SLOTS[m.group(1)]
        value = make(rng)
        if kind:
            spans.append((kind, length, length + len(value)))
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(template[pos:])
    return LabelledText("".join(out), spans, template)


def generate_corpus(seed: int, n: int, templates: str = "train") -> list[LabelledText]:
    """``n`` labelled sentences from the ``"train"`` or ``"heldout"`` template set."""
    pool = {"train": TRAIN_TEMPLATES, "heldout": HELDOUT_TEMPLATES}[templates]
    rng = random.Random(f"pii-corpus/{templates}/{seed}")  # noqa: S311 -- test data
    return [render(rng.choice(pool), rng) for _ in range(n)]
