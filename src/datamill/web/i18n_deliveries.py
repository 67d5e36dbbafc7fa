"""English strings of the deliveries page (the customer's side), merged into ``i18n.EN``."""

from __future__ import annotations

from datamill.core.unit_words import UNIT_ONE

__all__ = ["EN_DELIVERIES", "PAGE_UNITS"]

#: the units the pages word after a number (``unit.<code>``, ``unit.<code>.one`` in each
#: catalogue): every unit the CLI words (:data:`datamill.core.unit_words.UNIT_ONE`, whose
#: English singular is this catalogue's too); a ledger order, a budget line or a settlement
#: line may count in any of them (licences, databases, speakers, points …)
PAGE_UNITS = tuple(UNIT_ONE)

EN_DELIVERIES: dict[str, str] = {
    "dlv.title": "Deliveries",
    "dlv.link": "Deliveries",
    "dlv.help": "Download the files (each one's SHA-256 is in manifest.json), then report what "
                "you accept, or reject the whole delivery with its reason: its items go back "
                "to rework and are delivered again.",
    "dlv.none": "Nothing has been delivered yet.",
    "dlv.delivery": "Delivery",
    "dlv.batch": "Batch",
    "dlv.delivered": "Delivered",
    "dlv.accepted": "Accepted",
    "dlv.files": "Files",
    "dlv.more_files": "more files: see manifest.json",
    "dlv.package": "Download the package (decrypted)",
    "dlv.package_help": "the whole package as one tar archive, decrypted for you when it was delivered encrypted (no key needed); manifest.json inside lists every file's sha256",
    "dlv.items": "Items",
    # what a delivery holds, before its volume in the modality's unit ("12 items · 12 dialogues")
    "dlv.n_item": "{} item",
    "dlv.n_items": "{} items",
    "dlv.volume": "Volume",
    "dlv.note": "Note (optional)",
    "dlv.accept": "Record the acceptance",
    "dlv.refused": "Refused items (as the package names them, or external ids; one per line)",
    "dlv.accept_refusing": "Accept all but these",
    "dlv.refused_shown": "Refused, back to rework",
    "dlv.more_refused": "more",
    "dlv.partial_hint": ("Fewer items or less volume than delivered: the vendors are paid for "
                         "this delivery pro rata, at the share the customer accepted. Name the "
                         "refused items below instead: they are reworked and delivered again, "
                         "and the rest is paid in full."),
    "dlv.reason": "Reason",
    "dlv.reject": "Reject the whole delivery",
    "dlv.withheld.clearance": "Not downloadable for now: this delivery holds items classified "
                              "above your clearance; the data-security office (an admin or a "
                              "data-security officer) can clear you for their level.",
    "dlv.withheld.clearance_admin": "Not downloadable for now: this delivery holds items "
                                    "classified above your clearance; as an admin, you can "
                                    "raise your own clearance on the security page.",
    "dlv.withheld.export": "Not downloadable for now: the project's export abroad awaits its "
                           "assessment; once approved, the files can be downloaded.",
    "dlv.ok.accepted": "Acceptance recorded.",
    "dlv.ok.rejected": "Delivery rejected: its items went back to rework.",
    # a project as its customer sees it (project_customer.html)
    "pb.criteria": "Acceptance criteria",
    "pb.help": "Your deliveries are listed under Deliveries: download them, then accept or "
               "reject each one.",
    "unit.milliseconds": "milliseconds",
    "unit.characters": "characters",
    # the delivery's datasheet on the page (datasheet.json holds it whole)
    "dlv.sc.title": "Scoring conventions",
    "dlv.sc.metric": "Acceptance metric",
    "dlv.sc.counts.characters": "1 − CER over characters, the spaces between words included",
    "dlv.sc.counts.mixed_tokens": "1 − MER: each CJK character is a token, each run of Latin letters or digits one word",
    "dlv.sc.counts.texts": "the share of texts transcribed exactly, after normalisation",
    "dlv.sc.counts.words": "word-level, each CJK character a word",
    "dlv.sc.unicode": "Full-width forms",
    "dlv.sc.unicode.nfkc": "Unicode NFKC: full-width letters, digits and punctuation count as their ASCII forms (ＡＢＣ１２ = ABC12)",
    "dlv.sc.case": "Case",
    "dlv.sc.case.casefold": "ignored (case folding)",
    "dlv.sc.case.casefold_turkic": "ignored (case folding with Turkish dotted and dotless i)",
    "dlv.sc.punctuation": "Punctuation",
    "dlv.sc.punctuation.removed": "ignored, CJK full-width punctuation included (，。！？“”); %, ‰ and a minus sign before a digit count",
    "dlv.sc.tags": "Tags such as [noise]",
    "dlv.sc.tags.removed": "[noise], <unk>, {breath} and other bracketed tags are removed before scoring",
    "dlv.sc.spacing": "Spaces",
    "dlv.sc.spacing.cjk": "runs of spaces count as one; spaces next to Chinese or Japanese characters are ignored",
    "dlv.sc.chinese_script": "Traditional / simplified characters",
    "dlv.sc.chinese_script.as_written": "differ (後 is not 后)",
    "dlv.sc.chinese_script.simplified": "converted to simplified before scoring (後 = 后)",
    "dlv.sc.chinese_script.traditional": "converted to traditional before scoring (后 = 後)",
    "dlv.sc.numerals": "Numerals",
    "dlv.sc.numerals.as_written": "digits and Chinese numerals differ (3 is not 三)",
    "dlv.sc.numerals.hanzi": "digits are read as Chinese numerals before scoring (2026年 = 二零二六年, 3.5 = 三点五)",
    "dlv.sc.numerals.arabic": "Chinese numerals are written as digits before scoring (三点五 = 3.5)",
    "dlv.ds.title": "Datasheet",
    "dlv.ds.language": "Language",
    "dlv.ds.formats": "Formats",
    "dlv.ds.hours": "Hours of audio",
    "dlv.ds.utterances": "Utterances",
    "dlv.ds.speakers": "Speakers (identified)",
    "dlv.ds.without_speaker": "Utterances without a speaker",
    "dlv.ds.minutes_per_speaker": "Minutes per speaker (min / mean / max)",
    "dlv.ds.inspection": "Sampling inspection",
    "dlv.ds.effect": "Application effect",
    "dlv.ds.effect_items": "{} items evaluated",
    "dlv.ds.effect_of": " of the batch's {}",
    "dlv.ds.effect_seed": "seed {}",
    "dlv.ds.effect_named": "{} named for a second look",
    "dlv.ds.effect_runs": "the largest of {runs} runs (their range {range})",
    "dlv.ds.split.gender": "Gender",
    "dlv.ds.split.age_bands": "Age band",
    "dlv.ds.split.accent": "Accent",
    "dlv.ds.chart": "Minutes of audio per speaker",
    "dlv.ds.chart_top": "The {} speakers with the most minutes; the table and datasheet.json list them all.",
    "dlv.ds.speaker": "Speaker",
    "dlv.ds.minutes": "Minutes",
    "dlv.ds.more_speakers": "more speakers: see datasheet.json",
    "dlv.ds.value.female": "female",
    "dlv.ds.value.male": "male",
    "dlv.ds.value.unknown": "unknown",
    "dlv.ds.effect_verdict_pass": "pass",
    "dlv.ds.effect_verdict_fail": "fail",
    "dlv.ds.effect_verdict_no_threshold": "no threshold set",
    "dlv.ds.effect_rule_higher": "threshold: at least {}",
    "dlv.ds.effect_rule_lower": "threshold: at most {}",
    "dlv.ds.effect_rule_sample": ", on at least {} items",
    # a threshold the spec sets on a metric the project cannot measure (datasheet
    # scoring.not_measured): never stated as what accepted the data
    "dlv.sc.not_measured": "Not measured",
    "dlv.sc.not_measured_why": "this project has nothing to measure it by, so its threshold is no acceptance basis",
    # the package link of a delivery that was not encrypted: nothing to decrypt
    "dlv.package_plain": "Download the package",
    "dlv.package_plain_help": "the whole package as one tar archive; manifest.json inside lists "
                              "every file's sha256",
    "dlv.ds.images": "Images",
    "dlv.ds.frames": "Frames",
    "dlv.ds.texts": "Texts",
    "dlv.ds.objects": "Objects",
    "dlv.ds.cuboids": "Cuboids",
    "dlv.ds.entities": "Entity spans",
    "dlv.ds.tracks": "Tracks",
    "dlv.ds.labels": "Labelled objects per label",
    "dlv.withheld.reader": "You read this delivery's record; its files go to whoever takes the "
    "delivery (the project's customer and its manager).",
    "dlv.ds.tracks_relabelled": "Tracks labelled two ways (check them before delivery)",
    "dlv.ds.tracks_relabelled_examples": "Tracks labelled two ways (first 10)",
    "dlv.ds.images_32_bit_samples": "Images of 32-bit samples (float or 32-bit TIFF: "
    "OpenCV's imread, as Ultralytics and supervision call it, cannot open them)",
    # short units beside a number, and English accents named by region code (demo: GB/US)
    "unit.s": "s",
    "unit.ms": "ms",
    "dlv.ds.value.GB": "British (GB)",
    "dlv.ds.value.US": "American (US)",
    "dlv.ds.value.AU": "Australian (AU)",
    "dlv.ds.value.CA": "Canadian (CA)",
    "dlv.ds.value.IE": "Irish (IE)",
    "dlv.ds.value.IN": "Indian (IN)",
    "dlv.ds.value.NZ": "New Zealand (NZ)",
    # the acceptance report's date (backdated: signed 31 Dec, entered 2 Jan)
    "dlv.accepted_on": "Accepted on (the report's date; empty: today)",
    # a package an erasure wrote again: what it holds now, then what was first delivered
    "dlv.redelivered": "re-delivered with {left} left out, their data erased; first delivered: {first}",
    # the acceptance report's date on the "Accepted" line, as the API and the CLI give it
    "dlv.accepted_dated": "dated {on}",
    # a unit after a volume shown as "1" (web.routes._common.code_label): "1 hour", not "1 hours";
    # after any other number its code, which is the English plural ("2 databases")
    **{f"unit.{code}": code for code in PAGE_UNITS},
    **{f"unit.{code}.one": UNIT_ONE[code] for code in PAGE_UNITS},
}
