"""The coverage chart (inline SVG, no script) and the standalone HTML report of a corpus design.

Every text put into the markup is escaped here; the web page embeds :func:`coverage_svg` as is.
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["LABELS", "coverage_svg", "report_html"]

#: default (English) labels; the web page passes its translated ones
LABELS = {
    "chosen": "chosen",
    "random": "random (same size)",
    "x": "sentences chosen",
    "y": "share of available units covered",
}
_W, _H = 560, 300
_L, _R, _T, _B = 56, 16, 28, 44
_MAX_POINTS = 200


def _points(curve: list[int], avail: int) -> str:
    n = len(curve)
    if n == 0 or avail == 0:
        return ""
    step = max(1, n // _MAX_POINTS)
    idx = list(range(0, n, step))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    pw, ph = _W - _L - _R, _H - _T - _B
    pts = [(0.0, 0.0)] + [((i + 1) / n, curve[i] / avail) for i in idx]
    return " ".join(f"{_L + x * pw:.1f},{_T + (1 - y) * ph:.1f}" for x, y in pts)


def coverage_svg(kind: str, curves: dict[str, list[int]], available: int,
                 labels: dict[str, str] | None = None) -> str:
    """One kind's coverage curves (chosen solid, random dashed) as an accessible SVG string."""
    lab = {**LABELS, **(labels or {})}
    n = len(curves.get("chosen", []))
    pw, ph = _W - _L - _R, _H - _T - _B
    title = escape(f"{kind}: {lab['chosen']} / {lab['random']}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{title}" class="coverage-chart" '
        f'data-kind="{escape(kind)}">',
        f"<title>{title}</title>",
        f'<rect x="{_L}" y="{_T}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>',
    ]
    for frac in (0.25, 0.5, 0.75, 1.0):
        y = _T + (1 - frac) * ph
        parts.append(f'<line x1="{_L}" y1="{y:.1f}" x2="{_L + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{_L - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f"{int(frac * 100)}%</text>")
    parts.append(f'<text x="{_L - 6}" y="{_T + ph + 4}" font-size="11" text-anchor="end">0%</text>')
    parts.append(f'<text x="{_L}" y="{_H - 24}" font-size="11">0</text>')
    parts.append(f'<text x="{_L + pw}" y="{_H - 24}" font-size="11" text-anchor="end">{n}</text>')
    parts.append(f'<text x="{_L + pw / 2}" y="{_H - 8}" font-size="12" text-anchor="middle">'
                 f"{escape(lab['x'])}</text>")
    parts.append(f'<text x="14" y="{_T + ph / 2}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 14 {_T + ph / 2})">{escape(lab["y"])}</text>')
    parts.append(f'<text x="{_L}" y="18" font-size="13" font-weight="bold">{escape(kind)}</text>')
    rnd = _points(curves.get("random", []), available)
    cho = _points(curves.get("chosen", []), available)
    if rnd:
        parts.append(f'<polyline class="random" points="{rnd}" fill="none" stroke="#888" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
    if cho:
        parts.append(f'<polyline class="chosen" points="{cho}" fill="none" stroke="#1565c0" '
                     f'stroke-width="2.5"/>')
    lx = _L + pw - 170
    parts.append(f'<line x1="{lx}" y1="{_T + ph - 34}" x2="{lx + 24}" y2="{_T + ph - 34}" '
                 f'stroke="#1565c0" stroke-width="2.5"/>')
    parts.append(f'<text x="{lx + 30}" y="{_T + ph - 30}" font-size="11">{escape(lab["chosen"])}</text>')
    parts.append(f'<line x1="{lx}" y1="{_T + ph - 16}" x2="{lx + 24}" y2="{_T + ph - 16}" '
                 f'stroke="#888" stroke-width="2" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{lx + 30}" y="{_T + ph - 12}" font-size="11">{escape(lab["random"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _row(*cells: object) -> str:
    return "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>"


def report_html(report: dict[str, Any]) -> str:
    """A standalone HTML page: summary, coverage table, charts, chosen and rejected sentences."""
    pool = report["pool"]
    cov = report["coverage"]
    charts = "".join(coverage_svg(k, c, cov[k]["available"]) for k, c in report["curves"].items())
    cov_rows = "".join(
        _row(k, v["covered"], v["available"], "–" if v["inventory"] is None else v["inventory"],
             "–" if v["covered_in_inventory"] is None else v["covered_in_inventory"],
             v["random_covered"])
        for k, v in cov.items())
    chosen_rows = "".join(_row(c["rank"], c["line"], c["text"], c["readability"],
                               ", ".join(f"{k} +{n}" for k, n in c["new_units"].items()))
                          for c in report["chosen"])
    rejected_rows = "".join(_row(r["line"], r["text"], "; ".join(
        f"{x['code']}: {x['detail']}" for x in r["reasons"])) for r in report["rejected"])
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Corpus design</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>"
        f"<h1>Corpus design ({escape(report['lang'])})</h1>"
        f"<p>{pool['sentences']} sentences in the pool, {pool['eligible']} eligible, "
        f"{pool['rejected']} rejected; {len(report['chosen'])} chosen (stopped: "
        f"{escape(report['stopped'])}). Mean readability: chosen "
        f"{report['readability']['chosen_mean']}, pool {report['readability']['pool_mean']}.</p>"
        "<h2>Coverage</h2><table><tr><th>kind</th><th>covered</th><th>available in pool</th>"
        "<th>target inventory</th><th>covered in inventory</th><th>random set covers</th></tr>"
        f"{cov_rows}</table><div>{charts}</div>"
        "<h2>Chosen</h2><table><tr><th>#</th><th>line</th><th>text</th><th>readability</th>"
        f"<th>new units</th></tr>{chosen_rows}</table>"
        "<h2>Rejected</h2><table><tr><th>line</th><th>text</th><th>reasons</th></tr>"
        f"{rejected_rows}</table></body></html>"
    )
