"""Application-effect verification on data it was not written on: does its "second look" list
name the items whose labels are wrong, and how long does it take?

Speech: espeak-ng readings of the test sentences by 12 voices in two batches of six (the six
voices the project's other speech checks were calibrated on, and six held out), each batch
holding per voice ``--per-voice`` clean items (transcript = what was said), one item whose
transcript is another sentence (a swapped file) and one with a single word substituted. The
packaged recogniser (``SpeechEffectEvaluator``) evaluates each batch as the loop would; the
report's second-look list is compared with the items known to be wrong.

Text: generated news-like texts in four classes (Chinese and English, words of the class mixed
with words of the others), ``--texts`` per corpus, with 5 % and 10 % of the labels flipped to
another class (``--flips``: which shares; the parts below take them too).
``TextEffectEvaluator`` cross-validates its classifier; macro-F1 against the
most-frequent-class baseline, and how many of the named items were flipped.

LLM preferences: generated prompts with a helpful and an unhelpful response
(``datamill.testing.preference_corpus``; the unhelpful one padded to be the longer half the
time), the train phrasings and the held-out ones, ``--pairs`` records each, with 5 % and 10 % of
the pairwise choices flipped. ``LlmPreferenceEvaluator`` cross-validates its reward model;
preference accuracy against the longer-response baseline, and how many named choices were
flipped.

Image object labels: rendered scenes (``render_object_scene``: rectangles are ``car``, ellipses
``person``, on gradients), ``--scenes`` per batch, 640x480 PNG (the unit tests' size) and
1280x720 JPEG at quality 70 (held out), with 5 % and 10 % of the object labels flipped.
``ImageEffectEvaluator`` cross-validates its crop classifier; macro-F1 against the baseline,
and how many named objects were flipped.

Point-cloud cuboid labels: rendered frames (``render_scene``: cars, pedestrians, cyclists on a
ground plane, 4 objects each), ``--frames`` per batch, all surfaces seen (the unit tests' frames)
and, held out, only the sides facing the sensor, with 5 % and 10 % of the labels moved to the
next class. ``CuboidEffectEvaluator`` cross-validates its classifier.

No database: the evaluators are what costs (the loop reads the sample and stores the report).
Prints a table per part and ``SUMMARY effect ...``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import base_parser, console, table, workdir  # noqa: E402

from datamill.modalities.base import ItemRecord  # noqa: E402
from datamill.modalities.image.effect import ImageEffectEvaluator  # noqa: E402
from datamill.modalities.image.schema import ImageAnnotation  # noqa: E402
from datamill.modalities.llm.effect import LlmPreferenceEvaluator  # noqa: E402
from datamill.modalities.pointcloud.effect import CuboidEffectEvaluator  # noqa: E402
from datamill.modalities.pointcloud.schema import PointCloudAnnotation  # noqa: E402
from datamill.modalities.speech.effect import SpeechEffectEvaluator  # noqa: E402
from datamill.modalities.text.effect import TextEffectEvaluator  # noqa: E402
from datamill.testing.images import render_object_scene  # noqa: E402
from datamill.testing.pointclouds import render_scene, write_cloud  # noqa: E402
from datamill.testing.preference_corpus import generate_preferences  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402
from datamill.testing.synth import synthesize  # noqa: E402

# (espeak-ng voice+variant, words per minute); the first six are the voices the prompt and
# consistency checks were calibrated on (bench/prompt_check_voices.py), the last six held out
VOICES: tuple[tuple[str, int], ...] = (
    ("en-us", 150), ("en-gb", 160), ("en-gb-scotland", 150), ("en-029", 145),
    ("en-gb-x-gbclan+f2", 150), ("en-us+m3", 175),
    ("en-gb-x-rp", 150), ("en-us-nyc", 165), ("en-gb-x-gbcwmd", 150), ("en-us+f4", 140),
    ("en-029+m1", 160), ("en-gb-scotland+f3", 135),
)
#: the shares of labels flipped in the text, LLM, image and point-cloud parts (each a run of its
#: own); the SUMMARY line reports the 10 % runs
FLIPS = (0.05, 0.10)
SWAP_WORDS = {"the": "a", "was": "is", "to": "into", "and": "or", "of": "for", "in": "on"}


def _substituted(sentence: str) -> str:
    words = sentence.split()
    for i, w in enumerate(words):
        if w.lower() in SWAP_WORDS:
            words[i] = SWAP_WORDS[w.lower()]
            return " ".join(words)
    words[-1] = "yesterday"
    return " ".join(words)


def speech_part(root: Path, per_voice: int, voices_per_batch: int = 6
                ) -> tuple[list[list[object]], dict[str, float]]:
    rows: list[list[object]] = []
    summary: dict[str, float] = {}
    rng = random.Random(5)
    for split, voices in (("calibration voices", VOICES[:6][:voices_per_batch]),
                          ("held-out voices", VOICES[6:][:voices_per_batch])):
        ev = SpeechEffectEvaluator("en-US")
        kinds: dict[str, str] = {}
        started = time.process_time()
        for vi, (voice, wpm) in enumerate(voices):
            picks = rng.sample(range(len(SENTENCES)), per_voice + 2)
            for k, si in enumerate(picks):
                kind = "clean" if k < per_voice else ("swapped" if k == per_voice else "one_word")
                said = SENTENCES[si]
                text = {"clean": said, "swapped": SENTENCES[picks[0]] if si != picks[0]
                        else SENTENCES[picks[1]], "one_word": _substituted(said)}[kind]
                path = root / f"{split[:4]}-{vi}-{k}.wav"
                synthesize(said, path, voice=voice, words_per_minute=wpm, seed=vi * 100 + k)
                ext = f"{voice}-{k}"
                kinds[ext] = kind
                ev.add(ItemRecord(external_id=ext, sha256="-", filename=path.name, path=path,
                                  attributes={"speaker_id": voice}, language="en-US"),
                       [{"start_ms": 0, "end_ms": 1000, "text": text}])
        result = ev.result()
        cpu = time.process_time() - started
        named = [x["external_id"] for x in result["second_look"]]
        total = {kind: sum(1 for v in kinds.values() if v == kind)
                 for kind in ("clean", "swapped", "one_word")}
        caught = {kind: sum(1 for n in named if kinds[n] == kind) for kind in total}
        confirmed = result["transcripts_confirmed"]
        rows.append([split, len(kinds), result["measure"]["value"],
                     f"{confirmed['pass']}/{confirmed['listen']}/{confirmed['reject']}",
                     f"{caught['swapped']}/{total['swapped']}",
                     f"{caught['one_word']}/{total['one_word']}",
                     f"{caught['clean']}/{total['clean']}",
                     round(cpu / len(kinds), 2)])
        key = "held" if split.startswith("held") else "cal"
        summary[f"{key}_swapped_recall"] = caught["swapped"] / total["swapped"]
        summary[f"{key}_clean_flagged"] = caught["clean"] / total["clean"]
        summary[f"{key}_wer"] = result["measure"]["value"]
    return rows, summary


_CLASSES = {
    "zh": {"sports": "比赛 球队 进球 冠军 教练 球员 联赛 主场 门将 点球",
           "finance": "股票 银行 利率 投资 市场 基金 债券 汇率 财报 上市",
           "weather": "下雨 气温 晴天 台风 降温 预报 暴雪 湿度 寒潮 雷阵雨",
           "health": "医院 医生 疫苗 手术 药品 病人 体检 门诊 护士 睡眠"},
    "en": {"sports": "match team goal champion coach player league stadium keeper penalty",
           "finance": "stock bank rate invest market fund bond currency earnings listing",
           "weather": "rain temperature sunny typhoon cooling forecast snow humidity storm wind",
           "health": "hospital doctor vaccine surgery medicine patient checkup clinic nurse sleep"},
}
_FILLER = {"zh": ["今天", "我们", "据报道", "记者", "表示", "城市", "上周", "发布", "新的", "情况"],
           "en": ["today", "we", "reported", "journalist", "said", "city", "last", "week", "released", "new", "update"]}


def _corpus(lang: str, n: int, flip: float, seed: int) -> tuple[list[tuple[str, str, str]], set[str]]:
    rng = random.Random(seed)
    classes = list(_CLASSES[lang])
    words = {c: v.split() for c, v in _CLASSES[lang].items()}
    every = [w for ws in words.values() for w in ws]
    joiner = "" if lang == "zh" else " "
    rows, flipped = [], set()
    for i in range(n):
        label = classes[i % len(classes)]
        bag = rng.sample(words[label], 3) + rng.sample(every, 2) + rng.sample(_FILLER[lang], 3)
        rng.shuffle(bag)
        given = label
        if rng.random() < flip:
            given = rng.choice([c for c in classes if c != label])
            flipped.add(f"t{i}")
        rows.append((f"t{i}", joiner.join(bag), given))
    return rows, flipped


def text_part(n: int, flips: tuple[float, ...] = FLIPS
              ) -> tuple[list[list[object]], dict[str, float]]:
    rows: list[list[object]] = []
    summary: dict[str, float] = {}
    for lang in ("zh", "en"):
        for flip in flips:
            corpus, flipped = _corpus(lang, n, flip, seed=int(flip * 100) + len(lang))
            ev = TextEffectEvaluator({"labels": {"tasks": ["classification"],
                                                 "classes": list(_CLASSES[lang])}})
            for ext, text, label in corpus:
                ev.add(ItemRecord(external_id=ext, sha256="-", filename="t.txt", path=Path("-"),
                                  attributes={"text": text}, language=lang),
                       {"type": "text_annotation", "classes": [label]})
            started = time.process_time()
            r = ev.result()
            cpu = time.process_time() - started
            named = [x["external_id"] for x in r["second_look"]]
            hits = sum(1 for x in named if x in flipped)
            precision = hits / len(named) if named else 0.0
            rows.append([lang, n, f"{round(flip * 100)}%", r["measure"]["value"],
                         r["baseline"]["macro_f1"],
                         " → ".join(str(p["value"]) for p in r["learning_curve"]),
                         f"{hits}/{len(named)}", f"{len(flipped)}", round(cpu, 2)])
            summary[f"{lang}_{round(flip * 100)}_precision"] = precision
            summary[f"{lang}_{round(flip * 100)}_f1"] = r["measure"]["value"]
    return rows, summary


def llm_part(root: Path, n: int, flips: tuple[float, ...] = FLIPS
             ) -> tuple[list[list[object]], dict[str, float]]:
    rows: list[list[object]] = []
    summary: dict[str, float] = {}
    folder = root / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    for phrasings in ("train", "heldout"):
        for flip in flips:
            corpus = generate_preferences(n, seed=round(flip * 100), phrasings=phrasings)
            rng = random.Random(f"{phrasings}/{flip}")  # noqa: S311 - which choices are flipped
            flipped = set(rng.sample([p.record["id"] for p in corpus], round(n * flip)))
            ev = LlmPreferenceEvaluator({"task": "pairwise"})
            for p in corpus:
                path = folder / f"{p.record['id']}.json"
                path.write_text(json.dumps(p.record, ensure_ascii=False), encoding="utf-8")
                choice = p.better if p.record["id"] not in flipped else "ab".replace(p.better, "")
                ev.add(ItemRecord(external_id=p.record["id"], sha256="-", filename=path.name,
                                  path=path, attributes={}, language="en"),
                       {"type": "llm_pairwise", "a": "a", "b": "b", "choice": choice,
                        "reason": "generated"})
            started = time.process_time()
            r = ev.result()
            cpu = time.process_time() - started
            named = [x["external_id"] for x in r["second_look"]]
            hits = sum(1 for x in named if x in flipped)
            rows.append([phrasings, n, f"{round(flip * 100)}%", r["measure"]["value"],
                         r["baseline"]["preference_accuracy"],
                         " → ".join(str(p["value"]) for p in r["learning_curve"]),
                         f"{hits}/{len(named)}", len(flipped),
                         f"{sum(1 for x in flipped if x in named)}/{len(flipped)}", round(cpu, 2)])
            summary[f"{phrasings}_{round(flip * 100)}_precision"] = hits / len(named) if named \
                else 0.0
    return rows, summary


def _object_row(name: str, items: int, every: list[tuple[int, int]], flip: float,  # noqa: PLR0913
                flipped: set[tuple[int, int]], r: dict[str, Any], started: float
                ) -> tuple[list[object], float]:
    """A table row of an object-label run (image objects, cuboids) and the share of the named
    objects that were flipped."""
    cpu = time.process_time() - started
    named = {(int(x["external_id"][1:]), x["object"]) for x in r["second_look"]}
    hits = len(named & flipped)
    share = f"{round(flip * 100)}% ({len(flipped)})"
    row: list[object] = [name, items, len(every), share, r["measure"]["value"],
                         r["baseline"]["macro_f1"],
                         " → ".join(str(p["value"]) for p in r["learning_curve"]),
                         f"{hits}/{len(named)}", f"{hits}/{len(flipped)}", round(cpu, 2)]
    return row, hits / len(named) if named else 0.0


def image_part(root: Path, scenes: int, flips: tuple[float, ...] = FLIPS
               ) -> tuple[list[list[object]], dict[str, float]]:
    rows: list[list[object]] = []
    summary: dict[str, float] = {}
    other = {"car": "person", "person": "car"}
    for name, (width, height, suffix) in (("640x480 png", (640, 480, "png")),
                                          ("1280x720 jpeg q70", (1280, 720, "jpg"))):
        folder = root / f"images-{width}"
        folder.mkdir(parents=True, exist_ok=True)
        rendered = []
        for i in range(scenes):
            scene = render_object_scene(5000 + i, width=width, height=height)
            path = folder / f"s{i:04d}.{suffix}"
            scene.image.save(path, **({"quality": 70} if suffix == "jpg" else {}))
            rendered.append((path, scene.annotation))
        every = [(i, k) for i, (_, a) in enumerate(rendered) for k in range(len(a.objects))]
        for flip in flips:
            rng = random.Random(f"{name}/{flip}")  # noqa: S311 - which labels are flipped
            flipped = set(rng.sample(every, round(len(every) * flip)))
            ev = ImageEffectEvaluator({"labels": {"labels": [{"name": "car", "kinds": ["box"]},
                                                             {"name": "person", "kinds": ["box"]}]}})
            started = time.process_time()
            for i, (path, ann) in enumerate(rendered):
                objects = tuple(o.model_copy(update={"label": other[o.label]})
                                if (i, k) in flipped else o for k, o in enumerate(ann.objects))
                ev.add(ItemRecord(external_id=f"s{i:04d}", sha256="-", filename=path.name,
                                  path=path, attributes={}, language="en"),
                       ImageAnnotation(objects=objects).model_dump(mode="json"))
            row, precision = _object_row(name, scenes, every, flip, flipped, ev.result(), started)
            rows.append(row)
            summary[f"{width}_{round(flip * 100)}_precision"] = precision
    return rows, summary


def pointcloud_part(root: Path, frames: int, flips: tuple[float, ...] = FLIPS
                    ) -> tuple[list[list[object]], dict[str, float]]:
    rows: list[list[object]] = []
    summary: dict[str, float] = {}
    following = {"car": "pedestrian", "pedestrian": "cyclist", "cyclist": "car"}
    for name, occluded in (("all sides", False), ("sensor side (held out)", True)):
        rendered = []
        for i in range(frames):
            points, cuboids = render_scene(9000 + i, objects=4, self_occlusion=occluded)
            rendered.append((write_cloud(points, root / f"pc-{occluded}" / f"f{i:04d}.bin"),
                             cuboids))
        every = [(i, k) for i, (_, cs) in enumerate(rendered) for k in range(len(cs))]
        for flip in flips:
            rng = random.Random(f"{name}/{flip}")  # noqa: S311 - which labels are flipped
            flipped = set(rng.sample(every, round(len(every) * flip)))
            ev = CuboidEffectEvaluator({})
            started = time.process_time()
            for i, (path, cuboids) in enumerate(rendered):
                objects = tuple(c.model_copy(update={"label": following[c.label]})
                                if (i, k) in flipped else c for k, c in enumerate(cuboids))
                ev.add(ItemRecord(external_id=f"f{i:04d}", sha256="-", filename=path.name,
                                  path=path, attributes={}, language="en"),
                       PointCloudAnnotation(objects=objects).model_dump(mode="json"))
            row, precision = _object_row(name, frames, every, flip, flipped, ev.result(), started)
            rows.append(row)
            summary[f"{occluded}_{round(flip * 100)}_precision"] = precision
    return rows, summary


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--per-voice", type=int, default=4, help="clean items per voice")
    parser.add_argument("--voices", type=int, default=6, choices=range(1, 7),
                        help="voices per batch (of six)")
    parser.add_argument("--texts", type=int, default=600, help="texts per corpus")
    parser.add_argument("--pairs", type=int, default=400, help="preference records per corpus")
    parser.add_argument("--scenes", type=int, default=200, help="rendered images per batch")
    parser.add_argument("--frames", type=int, default=100, help="rendered lidar frames per batch")
    parser.add_argument("--flips", default="5,10",
                        help="percentages of labels flipped, comma-separated, 10 among them "
                             "(the SUMMARY line's); --flips 10 runs each part once")
    args = parser.parse_args()
    flips = tuple(int(p) / 100 for p in args.flips.split(","))
    if 0.10 not in flips:
        parser.error("--flips must include 10 (the SUMMARY line reports the 10 % runs)")
    with workdir(args, "effect") as root:
        speech_rows, speech = speech_part(root, args.per_voice, args.voices)
        table("speech: pocketsphinx en-us on espeak-ng voices (second look = named items)",
              ["batch", "items", "corpus WER", "transcripts pass/listen/reject", "swapped named",
               "one-word named", "clean named", "CPU s/item"], speech_rows)
        text_rows, text = text_part(args.texts, flips)
        table("text: tf-idf + logistic regression, 5-fold (second look: flipped among named)",
              ["lang", "texts", "flipped", "macro-F1", "baseline", "learning curve 25/50/100 %",
               "named flipped", "flipped in all", "CPU s"], text_rows)
        llm_rows, llm = llm_part(root, args.pairs, flips)
        table("LLM preferences: tf-idf Bradley-Terry reward model, 5-fold by record",
              ["phrasings", "records", "flipped", "pref. accuracy", "longer wins",
               "learning curve 25/50/100 %", "named flipped", "flipped in all",
               "flipped named", "CPU s"], llm_rows)
        image_rows, image = image_part(root, args.scenes, flips)
        table("image object labels: crop classifier (HOG + HSV + geometry), group 5-fold",
              ["images", "scenes", "objects", "flipped", "macro-F1", "baseline",
               "learning curve 25/50/100 %", "flipped among named", "flipped named", "CPU s"],
              image_rows)
        pc_rows, pc = pointcloud_part(root, args.frames, flips)
        table("point-cloud cuboid labels: cuboid classifier (size, points, intensity, range)",
              ["surfaces", "frames", "cuboids", "flipped", "macro-F1", "baseline",
               "learning curve 25/50/100 %", "flipped among named", "flipped named", "CPU s"],
              pc_rows)
    console.print(
        "SUMMARY effect speech held-out: swapped named {:.0%}, clean named {:.0%}, WER {}; "
        "calibration: swapped named {:.0%}, clean named {:.0%}; text: zh 10% precision {:.0%}, "
        "en 10% precision {:.0%}; llm: train 10% precision {:.0%}, held-out 10% precision {:.0%}; "
        "image: 640 10% precision {:.0%}, held-out 1280 10% precision {:.0%}; "
        "pointcloud: 10% precision {:.0%}, held-out {:.0%}".format(
            speech["held_swapped_recall"], speech["held_clean_flagged"], speech["held_wer"],
            speech["cal_swapped_recall"], speech["cal_clean_flagged"],
            text["zh_10_precision"], text["en_10_precision"], llm["train_10_precision"],
            llm["heldout_10_precision"], image["640_10_precision"],
            image["1280_10_precision"], pc["False_10_precision"], pc["True_10_precision"]))


if __name__ == "__main__":
    main()
