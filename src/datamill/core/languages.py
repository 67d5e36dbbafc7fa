"""Reading an HTTP ``Accept-Language`` header (RFC 9110 §12.5.4), for every face that answers
in a language: the web's pages and the API's printed settlement sheets."""

from __future__ import annotations

__all__ = ["ranked_language_tags"]

_MAX_ENTRIES = 20  # a header is the client's: read no more of it than a person would send


def ranked_language_tags(accept_language: str | None) -> list[str]:
    """The header's language tags (stripped), best first: by q-value, ties in header order;
    entries with q=0 (or a q that is not a number), empty tags and the wildcard ``*`` are left
    out."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:_MAX_ENTRIES]):
        tag, _, params = part.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and tag.strip() not in ("", "*"):
            ranked.append((-q, i, tag.strip()))
    return [tag for _q, _i, tag in sorted(ranked)]
