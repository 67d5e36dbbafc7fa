"""The catalog part of the demo: a handful of owned datasets, released, one licensed to three
customers, the revenue in the ledger. Each dataset built in-house has its product-development
project's accounts opened, budgeted and its spend booked (R&D expense), which the catalog's
report shows as the dataset's development cost.

Data is synthesised small (tones for speech, flat images, JSON dialogues); the metadata is
realistic (§7 and §9 of the domain brief). :func:`seed_product_batch` is also what the catalog
tests use to make an accepted batch of a product-development (or custom) project.
"""

from __future__ import annotations

import io
import json
import math
import struct
import wave
import zlib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.demo._suppliers import qualified_supplier
from datamill.production.models import Annotation, Batch, BatchItem, Item, Project
from datamill.runtime import Runtime

__all__ = ["DEMO_FILES", "run_catalog_demo", "seed_product_batch", "tiny_png", "tone_wav"]

_TYPES = {"product_development": "company", "custom_service": "customer",
          "processing_only": "customer"}


def tone_wav(freq: float, ms: int = 400, rate: int = 16000) -> bytes:
    """A short mono 16-bit sine tone."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
                      for i in range(rate * ms // 1000))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def tiny_png(rgb: tuple[int, int, int], size: int = 8) -> bytes:
    """A flat-colour PNG."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def seed_product_batch(
    session: Session, rt: Runtime, project_name: str, files: list[dict[str, Any]], *,
    modality: str = "speech.asr", language: str = "zh-CN",
    project_type: str = "product_development", batch_status: str = "accepted",
    workdir: Path | None = None,
) -> tuple[int, int]:
    """A project (created when missing) with one inspected batch of ``files``.

    Each file is ``{"name", "data": bytes, "attributes": {...}, "volume": int, "text": str,
    "meta": {...}}``. Returns ``(project_id, batch_id)``."""
    from sqlalchemy import select

    project = session.scalars(select(Project).where(Project.name == project_name)).first()
    if project is None:
        project = Project(name=project_name, modality=modality, language=language,
                          project_type=project_type, data_owner=_TYPES[project_type],
                          spec={"description": project_name})
        session.add(project)
        session.flush()
    folder = Path(workdir or rt.settings.home) / "catalog-seed" / project_name
    folder.mkdir(parents=True, exist_ok=True)
    batch = Batch(project_id=project.id, name=f"batch-{project.id}-{len(files)}-"
                  f"{abs(hash(tuple(f['name'] for f in files))) % 10**6}", status=batch_status)
    session.add(batch)
    session.flush()
    for f in files:
        path = folder / f["name"]
        path.write_bytes(f["data"])
        digest = rt.blobs.put_file(path)
        item = Item(project_id=project.id, external_id=f"{batch.id}-{f['name']}", sha256=digest,
                    filename=f["name"], size_bytes=len(f["data"]), status="accepted",
                    owner=f.get("owner", _TYPES[project.project_type]),
                    attributes=f.get("attributes", {}), volume=f.get("volume"),
                    prompt=f.get("text"), meta=f.get("meta", {}))
        session.add(item)
        session.flush()
        ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="annotation",
                         segments=f.get("labels", [{"start_ms": 0, "end_ms": f.get("volume") or 0,
                                                    "text": f.get("text", "")}]),
                         text=f.get("text", ""), parent_id=f.get("parent_annotation_id"))
        session.add(ann)
        session.flush()
        item.current_annotation_id, item.current_version = ann.id, 1
        session.add(BatchItem(batch_id=batch.id, item_id=item.id, annotation_id=ann.id))
    session.flush()
    return project.id, batch.id


#: files in each dataset the demo builds: enough that every release shows its samples (one
#: per ten files, at most three: :func:`datamill.catalog.releases.sample_count`)
DEMO_FILES = 30
#: speakers in each demo speech dataset (each speaker keeps one gender and one age band)
_SPEAKERS = 6


def _speech_files(prefix: str, n: int, base: float, attrs: dict[str, Any],
                  texts: list[str]) -> list[dict[str, Any]]:
    genders = ["female", "male"]
    return [{"name": f"{prefix}{i:03d}.wav", "data": tone_wav(base + 20 * i), "volume": 400,
             "text": texts[i % len(texts)],
             "attributes": {"duration_ms": 400, "sample_rate_hz": 16000,
                            "speaker_id": f"{prefix}spk{i % _SPEAKERS:02d}",
                            "gender": genders[i % _SPEAKERS % 2],
                            "age": ["18-30", "31-45", "46-60"][i % _SPEAKERS % 3], **attrs}}
            for i in range(n)]


def _tiers(tier: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    return [{"start_ms": a, "end_ms": b, "label": label} for a, b, label in tier]


#: the time-aligned tiers (:class:`datamill.modalities.tts.schema.TtsAnnotation`) of the TTS
#: voice set's every file: "欢迎回家" over its 400 ms, as a labeller checked them (what the
#: plugin's aligner spreads over a 400 ms voiced file)
_TTS_TIERS: dict[str, Any] = {
    "language": "zh", "source": "manual",
    "words": _tiers([(0, 200, "欢迎"), (200, 400, "回家")]),
    "syllables": _tiers([(0, 100, "huan1"), (100, 200, "ying2"), (200, 300, "hui2"),
                         (300, 400, "jia1")]),
    "phones": _tiers([(0, 30, "h"), (30, 100, "uan1"), (100, 130, "y"), (130, 200, "ing2"),
                      (200, 230, "h"), (230, 300, "ui2"), (300, 330, "j"), (330, 400, "ia1")]),
    "pos": _tiers([(0, 200, "v"), (200, 400, "n")]), "stress": [],
    "tones": _tiers([(0, 100, "1"), (100, 200, "2"), (200, 300, "2"), (300, 400, "1")]),
    "prosody": [{"time_ms": 200, "label": "#1"}, {"time_ms": 400, "label": "#4"}],
}


#: development spend of each dataset built in-house (domain §6.2, §7: direct costs of its
#: product-development project, expensed as R&D): (stage, category, quantity, unit, unit price,
#: supplier); collection plans deliverable + 10 % loss, labelling ~21.5/h (§9)
DEVELOPMENT: dict[str, list[tuple[str, str, str, str, str, str | None]]] = {
    "zh-CN-farfield-tv-asr": [
        ("collection", "data_service", "2200", "hours", "300", "Huayu Data Services"),
        ("annotation", "data_service", "2200", "hours", "21.50", "Huayu Data Services"),
        ("staff", "labour", "4000", "points", "60", None)],
    "yue-HK-dialect-speech": [
        ("collection", "data_service", "550", "hours", "320", "Lingnan Voice Studio"),
        ("annotation", "data_service", "550", "hours", "21.50", "Huayu Data Services"),
        ("staff", "labour", "1200", "points", "60", None)],
    "zh-CN-multi-emotion-tts": [
        ("collection", "data_service", "33", "hours", "6000", "Beijing Studio 7"),
        ("annotation", "data_service", "33", "hours", "1800", "Huayu Data Services"),
        ("staff", "labour", "2000", "points", "60", None)],
    "in-cabin-oms-images": [
        ("collection", "data_service", "20000", "images", "6", "Road Vision Fleet Co."),
        ("annotation", "data_service", "20000", "images", "2.40", "Huayu Data Services"),
        ("staff", "labour", "800", "points", "60", None)],
}
#: the ledger's approval roles and who signs for them in the demo (as in the money story)
_APPROVERS = (("dora", "dept_manager"), ("victor", "vp"), ("fiona", "finance_reviewer"),
              ("frank", "finance_manager"), ("chris", "cfo"))


def _approvers(s: Session) -> dict[str, int]:
    """The demo's budget approvers (made when the money story has not run)."""
    from sqlalchemy import select

    from datamill.compliance.models import LedgerApprover, User
    from datamill.compliance.users import create_user
    from datamill.demo.script import DEMO_PASSWORD
    from datamill.ledger.budgets import register_approver

    out: dict[str, int] = {}
    for name, role in _APPROVERS:
        user = s.scalars(select(User).where(User.username == name)).first()
        if user is None:
            user = create_user(s, name, DEMO_PASSWORD, "project_manager")
        known = s.scalars(select(LedgerApprover).where(LedgerApprover.user_id == user.id)).first()
        if known is None or known.approval_role != role:
            register_approver(s, user.id, role)
        out[role] = user.id
    return out


def book_development(s: Session, production_project_id: int, dataset: str,
                     actor_id: int, on: date) -> Decimal:
    """Open the product-development project's accounts, approve its budget and book what the
    dataset's development cost (data-service claims and hour points) on day ``on``; returns
    the amount booked. The catalog's report counts it as the dataset's development cost."""
    from datamill.ledger.budgets import approve_budget, create_budget, submit_budget
    from datamill.ledger.costs import post_cost
    from datamill.ledger.projects import open_ledger_project
    from datamill.paid_once import submit_claim

    lines = DEVELOPMENT[dataset]
    ap = _approvers(s)
    lp = open_ledger_project(s, production_project_id, actor_id=actor_id).id
    b = submit_budget(s, create_budget(s, lp, [
        {"stage": st, "category": cat, "quantity": Decimal(q), "unit": unit,
         "unit_price": Decimal(price)} for st, cat, q, unit, price, _ in lines],
        actor_id=actor_id).id, actor_id=actor_id)
    while b.status == "submitted" and b.next_role is not None:
        b = approve_budget(s, b.id, ap[b.next_role])
    booked = Decimal(0)
    for i, (stage, category, qty, unit, price, supplier) in enumerate(lines, 1):
        if supplier is not None:
            actor = s.get(User, actor_id)
            if actor is not None:  # a claim names a qualified vendor
                qualified_supplier(s, actor, supplier)
            cost = submit_claim(s, lp, stage=stage, supplier=supplier, quantity=qty,
                                unit_price=price, claim_no=f"DEV-{dataset}-{i}",
                                incurred_on=on, actor_id=actor_id)
        else:
            cost = post_cost(s, lp, stage, category, Decimal(qty) * Decimal(price),
                             f"points:{dataset}:{on:%Y-%m}", incurred_on=on,
                             quantity=Decimal(qty), unit_price=Decimal(price),
                             description=f"hour points {qty} {unit} × {price} (grade T2)",
                             actor_id=actor_id)
        booked += cost.amount
    return booked


def run_catalog_demo(rt: Runtime, workdir: Path) -> list[str]:
    """Register, release and license catalog datasets; returns the lines to show."""
    from datamill.catalog import datasets, licences, releases
    from datamill.compliance.export import record_assessment, set_export
    from datamill.compliance.users import create_user, get_user
    from datamill.core.errors import NotFound
    from datamill.demo.script import DEMO_PASSWORD
    from datamill.ledger._periods import first_open_day
    from datamill.ledger.events import sync_ledger
    from datamill.ledger.orders import create_customer

    lines: list[str] = []
    root = Path(workdir) / "catalog"
    with rt.session() as s:
        # built before it was licensed: 90 days ago, or the first open day when the money
        # story closed a later month (nothing is booked on or before a closed month's end)
        developed_on = first_open_day(s, business_today() - timedelta(days=90))
        for name, role in (("catalog-pm", "project_manager"), ("catalog-sales", "sales"),
                           ("catalog-dso", "data_security_officer")):
            try:
                get_user(s, name)
            except NotFound:
                create_user(s, name, DEMO_PASSWORD, role)
    specs: list[dict[str, Any]] = [
        {"name": "zh-CN-farfield-tv-asr", "title": "Mandarin far-field TV speech (ASR)",
         "modality": "speech.asr", "languages": ["zh-CN"], "scenario": "smart home",
         "price": "380000", "band": ("300000", "450000"), "copyright": "2019SR0123456",
         "devices": ["TV array mic", "phone"], "planned": "2000", "budget": "1600000",
         "files": _speech_files("tv", DEMO_FILES, 220, {"device": "TV array mic", "environment": "living room, 3 m",
                                                "accent": "Beijing"},
                                ["打开电视", "换到中央一台", "音量调大一点"])},
        {"name": "yue-HK-dialect-speech", "title": "Cantonese and Sichuanese dialect speech",
         "modality": "speech.asr", "languages": ["yue-HK", "zh-CN-x-sichuan"],
         "scenario": "human-machine interaction", "price": "260000", "band": ("200000", "320000"),
         "copyright": "2020SR0456789", "devices": ["phone"], "planned": "500", "budget": "700000",
         "files": _speech_files("dl", DEMO_FILES, 300, {"device": "phone", "environment": "quiet room",
                                                "accent": "Guangzhou"}, ["你好", "今日天气点样"])},
        {"name": "zh-CN-multi-emotion-tts", "title": "Mandarin multi-emotion TTS voice set",
         "modality": "speech.tts", "languages": ["zh-CN"], "scenario": "voice assistant",
         "price": "990000", "band": ("800000", "1200000"), "copyright": "2021SR0789012",
         "devices": ["studio condenser mic"], "planned": "30", "budget": "900000",
         "files": [{**f, "labels": _TTS_TIERS,  # the TTS plugin's tiers, not ASR segments
                    "attributes": {**f["attributes"],
                                   "emotion": ("happy", "sad", "angry", "neutral")[i % 4]}}
                   for i, f in enumerate(_speech_files(
                       "tts", DEMO_FILES, 400, {"device": "studio condenser mic",
                                                "environment": "studio"}, ["欢迎回家"]))]},
        {"name": "in-cabin-oms-images", "title": "In-cabin occupant monitoring images",
         "modality": "image", "languages": ["und"], "scenario": "driving", "price": "150000",
         "band": ("100000", "200000"), "copyright": "2022SR0345678", "devices": ["IR camera"],
         "planned": None, "budget": "400000",
         "files": [{"name": f"cabin{i:03d}.png", "data": tiny_png((40 * i % 256, 80 + i, 120)),
                    "volume": 1, "labels": {"objects": []},  # the image plugin's own form
                    "attributes": {"width": 8, "height": 8, "device": "IR camera",
                                   "scene": ["day", "night"][i % 2]}}
                   for i in range(DEMO_FILES)]},
    ]
    projects: dict[str, int] = {}
    with rt.session() as s:
        pm = get_user(s, "catalog-pm")
        for spec in specs:
            ds = datasets.create_dataset(
                s, pm, name=spec["name"], title=spec["title"], modality=spec["modality"],
                languages=spec["languages"], scenario=spec["scenario"], price=spec["price"],
                price_low=spec["band"][0], price_high=spec["band"][1],
                copyright_no=spec["copyright"], devices=spec["devices"],
                planned_hours=spec["planned"], budget=spec["budget"],
                market_survey="surveyed demand from 12 customers; 3 competitors' prices")
            project_id, batch_id = seed_product_batch(
                s, rt, f"catalog-{spec['name']}", spec["files"],
                modality=spec["modality"],
                language=spec["languages"][0], workdir=Path(workdir))
            projects[spec["name"]] = project_id
            spent = book_development(s, project_id, spec["name"], pm.id, developed_on)
            datasets.add_source(s, pm, ds.id, batch_id=batch_id)
            rel = releases.build_release(s, rt.blobs, pm, ds.id, root)
            lines.append(f"released {spec['name']} v{rel.version} ({rel.items} files, "
                         f"manifest {rel.manifest_sha256[:12]}); development {spent} CNY "
                         f"booked to product-development project catalog-{spec['name']} "
                         "(R&D expense)")
        # LLM dialogue: bought from a third party with sub-licensing rights
        folder = Path(workdir) / "third-party-llm-dialogue"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(DEMO_FILES):
            (folder / f"dialogue{i:03d}.json").write_text(json.dumps(
                {"turns": [{"role": "user", "text": f"问题 {i}"},
                           {"role": "assistant", "text": f"回答 {i}"}]}, ensure_ascii=False))
        tp = datasets.register_third_party(
            s, rt.blobs, pm, name="llm-dialogue-zh-bought", supplier="Partner Data Co.",
            contract_ref="TP-2023-017", folder=folder, sublicensable=True, permanent=True,
            consent_basis="supplier warrants consent and sub-licensing", cost="400000")
        llm = datasets.create_dataset(
            s, pm, name="zh-CN-llm-dialogue", title="Chinese LLM multi-turn dialogue",
            modality="text.dialogue", languages=["zh-CN"], scenario="finance",
            price="120000", price_low="80000", price_high="160000", budget="400000")
        datasets.add_source(s, pm, llm.id, third_party_id=tp.id)
        rel = releases.build_release(s, rt.blobs, pm, llm.id, root)
        lines.append(f"released zh-CN-llm-dialogue v{rel.version} from a bought dataset")
        datasets.create_dataset(
            s, pm, name="th-TH-read-speech", title="Thai read speech (in development)",
            modality="speech.asr", languages=["th-TH"], scenario="human-machine interaction",
            planned_hours="800", budget="1200000",
            market_survey="three overseas customers asked for Thai; rare-language premium")
    with rt.session() as s:  # the licence to Singapore exports the data: assessed first
        dso, tv = get_user(s, "catalog-dso"), projects["zh-CN-farfield-tv-asr"]
        set_export(s, dso, tv, cross_border=True, destination="SG")
        record_assessment(s, dso, tv, conclusion="approved",
                          notes="catalog licence to a research institute in Singapore")
        lines.append("export to SG of catalog-zh-CN-farfield-tv-asr assessed and approved "
                     "(the catalog's overseas licence needs it)")
    with rt.session() as s:
        sales = get_user(s, "catalog-sales")
        first = datasets.search_datasets(s, sales, text="far-field")[0]
        # issued today: a licence is never dated before the release it licenses was made
        # (the releases above are built now)
        issued = business_today()
        for i, (cust, ctype, country) in enumerate((
                ("Big Tech Speech Lab", "big_tech", "CN"), ("Voice AI Startup", "ai_company", "CN"),
                ("Overseas Research Institute", "research_institute", "SG"))):
            customer = create_customer(s, cust, customer_type=ctype, country=country,
                                       actor_id=sales.id)
            number = f"{issued:%y%m%d}/{'ABC'[i]}{'XYZ'[i]}{'QRS'[i]}"
            lic = licences.create_licence(
                s, sales, dataset_id=first.id, customer_id=customer.id, number=number,
                price=str(360000 + 10000 * i), territory="PRC" if country == "CN" else "worldwide",
                term="perpetual", usage_scope="internal model training and evaluation",
                acceptance_criteria="files match the manifest; CER sample ≥ 97%",
                issued_on=issued)
            link = licences.issue_transfer_link(s, rt.settings, sales, lic.id, root,
                                                hours=72, max_downloads=3)
            link_id, expires, signature = licences.link_params(link.url)
            licences.download(s, rt.settings, link_id, expires=expires, signature=signature)
            licences.accept_licence(s, sales, lic.id, accepted_on=business_today())
            lines.append(f"licence {number}: {lic.customer_name} {lic.price} {lic.currency},"
                         " delivered by transfer link, accepted")
        sync_ledger(s, actor_id=sales.id)
        for r in licences.dataset_report(s, sales):
            if r.licences:
                lines.append(f"{r.name}: {r.licences} licences, revenue {r.revenue} "
                             f"{r.currency}, development cost {r.development_cost} "
                             f"{r.currency}, margin {r.margin} {r.currency}")
    return lines
