"""The stage benchmark as a small self-contained HTML page: two log-log charts (inline SVG, no
outside requests) and the table of seconds, peak memory and growth per 10x notes."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}"
    "table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;"
    "text-align:right}th:first-child,td:first-child{text-align:left}"
    "figure{display:inline-block;margin:0 1rem 1rem 0}"
)


def _svg(fig) -> str:
    buffer = io.StringIO()
    # No RDF metadata block (creator, date): the page is the same for the same figures.
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    return text[text.index("<svg") :]


def _chart(sizes: dict[int, dict], key: str, label: str, description: str) -> str:
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    stages = sorted({s for r in sizes.values() for s in r["stages"]})
    for stage in stages:
        points = sorted(
            (n, r["stages"][stage][key])
            for n, r in sizes.items()
            if stage in r["stages"] and r["stages"][stage].get(key)
        )
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=stage)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("notes in the world")
    ax.set_ylabel(label)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return (
        f'<figure role="img" aria-label="{html.escape(description)}">{_svg(fig)}'
        f"<figcaption>{html.escape(description)}</figcaption></figure>"
    )


def _table(payload: dict) -> str:
    sizes = {int(n): r for n, r in payload["sizes"].items()}
    order = sorted(sizes)
    stages = [s for s in payload["growth_per_10x"] if any(s in sizes[n]["stages"] for n in order)]
    stages += sorted({s for r in sizes.values() for s in r["stages"]} - set(stages))
    head = "".join(f"<th>{n:,} notes<br>s / peak MB</th>" for n in order)
    rows = []
    for stage in stages:
        cells = []
        for n in order:
            s = sizes[n]["stages"].get(stage)
            if not s:
                cells.append("<td>–</td>")
            elif s.get("seconds") is None:
                cells.append(f"<td>failed / {s['peak_rss_mb']:,}</td>")
            else:
                cells.append(f"<td>{s['seconds']:.1f} / {s['peak_rss_mb']:,}</td>")
        g = payload["growth_per_10x"].get(stage, {})
        ratio = f"{g['seconds']} / {g['peak_rss_mb']}" if g.get("seconds") else "–"
        rows.append(f"<tr><td>{html.escape(stage)}</td>{''.join(cells)}<td>{ratio}</td></tr>")
    return (
        f"<table><tr><th>stage</th>{head}<th>× per 10× notes<br>time / memory</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def write_report(payload: dict, path: Path) -> Path:
    sizes = {int(n): r for n, r in payload["sizes"].items()}
    machine = payload["machine"]
    body = (
        "<h1>redcat: time and memory per stage</h1>"
        f"<p>{machine['cores']} cores. Each stage ran in a fresh process; peak memory is that "
        "process's peak resident set (for <code>report</code>, the largest of the runner and "
        "its notebook kernels). Seconds are the stage's own work after loading its data.</p>"
        + _chart(sizes, "seconds", "seconds", "Seconds per stage against notes (log-log)")
        + _chart(sizes, "peak_rss_mb", "peak MB", "Peak memory per stage against notes (log-log)")
        + _table(payload)
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>redcat stage benchmark</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
