"""The LLM preference demo's records: 30 prompts (English and Chinese), two responses each,
one clearly better, plus a few bad records the import and the checks must catch."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["BAD_LINES", "PAIRS", "better_of", "write_demo_records"]

# (id, prompt, better response, worse response)
PAIRS: list[tuple[str, str, str, str]] = [
    ("en01", "What is the boiling point of water at sea level?",
     "Water boils at 100 °C (212 °F) at sea level, under one atmosphere of pressure.",
     "Water boils at about 50 degrees, depending on the pot."),
    ("en02", "Give me a short tip for writing clear emails.",
     "Put the request in the first sentence, then add only the context the reader needs.",
     "Write as much as you can so the reader sees you worked hard."),
    ("en03", "Why is the sky blue?",
     "Sunlight scatters off air molecules, and short blue wavelengths scatter the most, so the sky looks blue.",
     "Because the ocean reflects its colour onto the sky."),
    ("en04", "How many continents are there?",
     "By the most common convention there are seven: Africa, Antarctica, Asia, Australia, Europe, North America and South America.",
     "There are exactly three continents on Earth."),
    ("en05", "Translate 'thank you' into Spanish.",
     "'Thank you' in Spanish is 'gracias'.",
     "It is 'merci', which works in every language."),
    ("en06", "What does a CPU do in a computer?",
     "The CPU executes program instructions: it does arithmetic, logic and moves data between memory and devices.",
     "The CPU stores all your photos and videos permanently."),
    ("en07", "Suggest a healthy breakfast.",
     "Oatmeal with fruit and a handful of nuts gives fibre, protein and lasting energy.",
     "Three donuts and an energy drink will keep you going all day."),
    ("en08", "Explain what a leap year is in one sentence.",
     "A leap year has 366 days, adding 29 February to keep the calendar in step with Earth's orbit.",
     "A leap year is when the clocks jump forward one hour."),
    ("en09", "What is the capital of Australia?",
     "The capital of Australia is Canberra.",
     "The capital of Australia is Sydney, the biggest city."),
    ("en10", "How can I keep a houseplant healthy?",
     "Give it the light its species needs, water when the topsoil is dry, and make sure the pot drains.",
     "Water it every hour and keep it in a dark cupboard."),
    ("en11", "What is photosynthesis used for by plants?",
     "Plants use photosynthesis to turn light, water and carbon dioxide into sugars they live on, releasing oxygen.",
     "Plants use photosynthesis to sleep at night."),
    ("en12", "Write a polite way to decline a meeting.",
     "Thank you for the invitation; I can't attend this time, but please share the notes and I'll follow up.",
     "No. Stop sending me meetings."),
    ("en13", "What is 15 percent of 200?",
     "15 percent of 200 is 30.",
     "15 percent of 200 is 1500."),
    ("en14", "Name one benefit of regular exercise.",
     "Regular exercise strengthens the heart and lowers the risk of chronic disease.",
     "Exercise has no benefits at all for most people."),
    ("en15", "What language is mainly spoken in Brazil?",
     "Portuguese is the main language of Brazil.",
     "Brazilians mainly speak Spanish."),
    ("zh01", "中国的首都是哪座城市？",
     "中国的首都是北京。",
     "中国的首都是上海，因为它最大。"),
    ("zh02", "请用一句话解释什么是光合作用。",
     "光合作用是植物利用光能，把二氧化碳和水转化为有机物并释放氧气的过程。",
     "光合作用就是植物晚上睡觉的过程。"),
    ("zh03", "一年有多少个月？",
     "一年有十二个月。",
     "一年有十个月，有时候是八个月。"),
    ("zh04", "给我一个提高睡眠质量的建议。",
     "每天固定时间上床和起床，睡前一小时尽量不看手机。",
     "睡前喝三杯浓咖啡，效果最好。"),
    ("zh05", "水在海平面的沸点是多少摄氏度？",
     "在标准大气压下，水在海平面的沸点是100摄氏度。",
     "水在海平面的沸点大约是三十度。"),
    ("zh06", "如何礼貌地拒绝同事的邀请？",
     "谢谢你的邀请，这次我有别的安排去不了，下次有机会再一起。",
     "不去，别再问我了。"),
    ("zh07", "长城主要是为了什么而修建的？",
     "长城主要是古代为了防御北方游牧民族的侵扰而修建的军事防御工程。",
     "长城是为了举办跑步比赛而修建的。"),
    ("zh08", "请解释一下什么是闰年。",
     "闰年有366天，二月有29天，用来弥补历法与地球公转周期之间的差距。",
     "闰年就是这一年不过春节。"),
    ("zh09", "一百的百分之二十是多少？",
     "一百的百分之二十是二十。",
     "一百的百分之二十是两千。"),
    ("zh10", "为什么要多喝水？",
     "水参与体温调节和新陈代谢，适量喝水有助于维持身体正常运转。",
     "多喝水会让人变聪明十倍。"),
    ("zh11", "推荐一种健康的早餐。",
     "一碗燕麦粥加一个鸡蛋和一些水果，营养均衡又耐饿。",
     "早餐只吃糖果和汽水就够了。"),
    ("zh12", "地球绕太阳一圈大约需要多长时间？",
     "地球绕太阳公转一圈大约需要365.25天，也就是一年。",
     "地球绕太阳一圈只需要一天。"),
    ("zh13", "什么是人工智能？请简单说明。",
     "人工智能是让计算机完成通常需要人类智能的任务，例如理解语言、识别图像和做出决策。",
     "人工智能就是会说话的电视机。"),
    ("zh14", "怎样保护眼睛？",
     "连续用眼一段时间后休息几分钟，远眺放松，并保持充足的光线。",
     "一直盯着屏幕不眨眼可以锻炼眼睛。"),
    ("zh15", "熊猫主要吃什么？",
     "大熊猫主要以竹子为食，偶尔也会吃少量其他食物。",
     "熊猫主要吃鱼和牛肉。"),
]

# raw lines appended to the file: malformed JSON, an empty response, a duplicate of en01 under
# another id, and a response with banned content (the checks set it aside)
BAD_LINES: list[str] = [
    '{"id": "bad-json", "prompt": "What is 2 + 2?", "responses": ["4", "5"]',
    json.dumps({"id": "bad-empty", "prompt": "Tell me a fun fact about octopuses.",
                "responses": [{"id": "a", "content": "Octopuses have three hearts."},
                              {"id": "b", "content": "   "}]}),
    json.dumps({"id": "bad-duplicate", "prompt": PAIRS[0][1],
                "responses": [{"id": "a", "content": PAIRS[0][2]},
                              {"id": "b", "content": PAIRS[0][3]}]}),
    json.dumps({"id": "bad-banned", "prompt": "Say something about my neighbour.",
                "responses": [{"id": "a", "content": "Your neighbour is an idiot."},
                              {"id": "b", "content": "I don't know your neighbour."}]}),
]


def better_of(record_id: str) -> str:
    """The id of the better response of a demo record (``a`` or ``b``)."""
    index = [p[0] for p in PAIRS].index(record_id)
    return "b" if index % 3 == 1 else "a"  # the better answer is not always shown first


def write_demo_records(path: Path) -> Path:
    """The demo's JSONL: the 30 good records then the bad lines."""
    lines = []
    for i, (rid, prompt, good, bad) in enumerate(PAIRS):
        first, second = (bad, good) if i % 3 == 1 else (good, bad)
        lines.append(json.dumps({"id": rid, "prompt": prompt,
                                 "responses": [{"id": "a", "content": first},
                                               {"id": "b", "content": second}]},
                                ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*lines[:15], BAD_LINES[0], *lines[15:], *BAD_LINES[1:]]) + "\n",
                    encoding="utf-8")
    return path
