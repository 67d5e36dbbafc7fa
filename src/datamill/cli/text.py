"""``datamill text``: turn a text corpus (TXT/CSV/JSONL/Parquet) into what ``data import``
reads for a ``text`` project (one UTF-8 ``.txt`` per item plus ``manifest.jsonl``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from datamill.cli._common import emit, handle_errors, out, styled

app = typer.Typer(help="Text corpora for text projects.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("prepare")
@handle_errors
def prepare_cmd(  # noqa: PLR0913 - one option per cleaning step
    source: Annotated[Path, typer.Argument(help="A .txt/.csv/.jsonl/.parquet file or a folder of them.")],
    out_dir: Annotated[Path, typer.Argument(help="New folder for texts/ and manifest.jsonl.")],
    unit: Annotated[str, typer.Option(help="'line' (each line an item) or 'document'.")] = "line",
    text_field: Annotated[str, typer.Option(help="Text column (CSV/JSONL/Parquet).")] = "text",
    id_field: Annotated[str, typer.Option(help="Id column (CSV/JSONL/Parquet).")] = "id",
    normalize: Annotated[bool, typer.Option(help="NFKC + full/half-width normalisation.")] = False,
    ascii_punctuation: Annotated[bool, typer.Option(
        help="With --normalize, also turn Chinese full-width punctuation into ASCII.")] = False,
    drop_emoji: Annotated[bool, typer.Option(help="Remove emoji.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Validate the whole source (errors name the file, line/row and byte) and write it; a bad
    source leaves nothing behind. Then: datamill data import PROJECT OUT_DIR/manifest.jsonl.
    A labelled .jsonl (text_jsonl rows) with --normalize becomes OUT_DIR/data.jsonl, its
    spans moved with the normalised text (import it with --format text_jsonl)."""
    from datamill.core.errors import InvalidInput
    from datamill.modalities.text.sources import prepare_text_source

    if unit not in ("line", "document"):
        raise InvalidInput("--unit is 'line' or 'document'", field="unit")
    if ascii_punctuation and not normalize:  # it was silently ignored
        raise InvalidInput("--ascii-punctuation works with --normalize: add --normalize",
                           field="ascii_punctuation")
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} is a file, not a folder: give a new or empty folder for "
                           "the prepared texts", field="out_dir")
    chosen: Literal["line", "document"] = "line" if unit == "line" else "document"
    got = prepare_text_source(source, out_dir, unit=chosen, text_field=text_field,
                              id_field=id_field, normalize=normalize,
                              fullwidth_punctuation=not ascii_punctuation, drop_emoji=drop_emoji)
    value: dict[str, Any] = {"manifest": str(got.manifest), "items": got.items,
                             "not_normalized": got.not_normalized, "warnings": got.warnings,
                             "labelled": got.labelled, "normalized": got.normalized}

    def render(v: dict[str, Any]) -> None:
        n = v["items"]
        from datamill.cli._words import say, say_count

        out.print(styled((say_count("sw.prepared", n), "green"), f" → {v['manifest']}"))
        for w in v["warnings"]:
            out.print(styled((say("sw.warning"), "yellow"), f"{say('sw.colon')}{w}"),
                      highlight=False)
        fmt = " --format text_jsonl" if v["labelled"] else ""  # spans moved with the text
        out.print(say("sw.prepare_next", manifest=v["manifest"], fmt=fmt))

    emit(value, as_json, render)
