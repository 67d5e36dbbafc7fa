"""English strings of the deliveries page (the customer's side), merged into ``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_DELIVERIES"]

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
    "dlv.ds.title": "Datasheet",
    "dlv.ds.language": "Language",
    "dlv.ds.formats": "Formats",
    "dlv.ds.hours": "Hours of audio",
    "dlv.ds.utterances": "Utterances",
    "dlv.ds.speakers": "Speakers (identified)",
    "dlv.ds.without_speaker": "Utterances without a speaker",
    "dlv.ds.minutes_per_speaker": "Minutes per speaker (min / mean / max)",
    "dlv.ds.inspection": "Sampling inspection",
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
}
