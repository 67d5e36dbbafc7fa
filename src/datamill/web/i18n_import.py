"""English strings of the project's data-import page (``project_import.html``)."""

from __future__ import annotations

from datamill.core.code_words import IMPORT_LEFT_OUT_WORDS

__all__ = ["EN_IMPORT"]

EN_IMPORT: dict[str, str] = {
    "imp.link": "Import data",
    "imp.title": "Import data",
    "imp.intro": "Upload a .zip archive of the project's media files (imported like a "
                 "folder), a .jsonl of records where the modality takes them (LLM conversations), or a "
                 "pre-labelled source zipped whole with its format. A .csv/.jsonl manifest names "
                 "files on the server: import it with the API or the CLI. Files already in the "
                 "project are not imported twice; every refused file is listed with its reason, "
                 "and the archive's entries that are not unpacked (absolute paths, \"..\", "
                 "links) with why.",
    "imp.file": "File",
    "imp.max": "up to {size}",
    "imp.vendor": "Collection vendor",
    "imp.vendor_none": "none (not a vendor's delivery)",
    "imp.vendor_help": "The qualified vendor who delivered this data: every item imported "
                       "records it, and the vendor's settlement sheets pay their accepted volume.",
    "imp.format": "Labels",
    "imp.format_none": "none (raw data)",
    "imp.format_auto": "detect the format",
    "imp.format_help": "A pre-labelled source: each new item starts from its labels; any "
                       "unusable file or label refuses the whole import.",
    "imp.submit": "Import",
    "imp.takes_time": "The import runs while the page waits.",
    "imp.failed": "Not imported",
    "imp.too_large": "{name} is {size}, larger than the {limit} this server accepts for an "
                     "import; split it into smaller archives.",
    "imp.too_large_sent": "The upload is larger than the {limit} bytes this server accepts for "
                          "an import (DATAMILL_MAX_UPLOAD_BYTES); nothing was imported. Split it "
                          "into smaller archives.",
    "imp.no_file": "Choose a file to import.",
    "imp.empty": "{name} is empty (0 bytes); nothing was imported.",
    "imp.bad_vendor": "Choose the vendor from the list.",
    "imp.report": "Import report",
    "imp.summary": "{source}: {total} rows, {imported} imported, {duplicates} already in the "
                   "project, {rejected} refused (import {run}).",
    "imp.vendor_done": "Delivered by {vendor}: its settlement sheets pay the accepted volume "
                       "(collect stage).",
    "imp.labelled": "{labelled} new items start from their {format} labels.",
    "imp.replaced": "{replaced} of them replace the files of items the checks had rejected "
                    "(re-collected; they are checked again).",
    "imp.refused": "Refused",
    "imp.col.source": "File or row",
    "imp.col.file": "File",
    "imp.col.reason": "Reason",
    "imp.stored": "As the import wrote it: {stored}",
    "imp.skipped": "Not imported from the upload ({n})",
    "imp.items": "New items",
    "imp.items_more": "The first {shown} of {total}.",
    "imp.no_items": "No new items.",
    "imp.to_project": "Back to the project (items by status, checks)",
    "imp.intro_prompts": "In a recording project a .txt of the same name beside a recording "
                         "is its prompt.",
    "imp.left_out": "{n} object(s) of the {format} labels were left out:",
    **{f"imp.left_out.{k}": w for k, w in IMPORT_LEFT_OUT_WORDS["en"].items()},
}
