"""The run history page (`reports/index.html`, `reports/index.en.html`) from index.json's payload.

One self-contained page per language: the latest good report, a chart per headline estimate
across successful runs (point and 95% interval, inline SVG), and a table of every run with its
status, data, parameters, duration, headline numbers and links to its report and log. Every
string that comes from a manifest (data folder, parameters, error messages) is escaped; links
point only at files inside the reports folder, by relative path. The page needs no script and
requests nothing; `outside_references` checks that before it is written, and the page carries
the notebook reports' Content-Security-Policy and `redcat-charts` stamp (the number of charts,
which the browser test compares with what it sees drawn). It is not made with
`redcat.report.html.render_page` because that page may hold no links, and this one is links.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from redcat.config import TEMPLATES_DIR
from redcat.plots import RED, chart_style
from redcat.report.figures import figure_to_svg
from redcat.report.html import (
    CONTENT_SECURITY_POLICY,
    HTML_LANG,
    ReportExportError,
    write_text_atomic,
)
from redcat.report.i18n import t
from redcat.report.tables import MISSING, esc
from redcat.run_index import (
    FAILED,
    HEADLINE_EFFECTS,
    HEADLINE_METRICS,
    INDEX_HTML,
    INTERRUPTED,
    RUNNING,
    SUCCEEDED,
)

__all__ = ["index_charts", "outside_references", "render_index", "write_text_atomic"]

CSS = TEMPLATES_DIR / "redcat_html" / "redcat.css"
EXTRA_CSS = """
.rc-lang { text-align: right; margin: 0; font-size: 13px; }
.rc-latest { padding: .7em 1em; border-left: 4px solid var(--red); background: #fff5f6; border-radius: 4px; }
.rc-latest a { font-weight: 600; color: var(--red); }
.rc-badge { display: inline-block; padding: 0 .5em; border-radius: 3px; font-size: 12.5px; font-weight: 600; white-space: nowrap; }
.rc-badge-succeeded { background: #eef8f1; color: #1a7f37; }
.rc-badge-failed { background: #fff0f0; color: #cf222e; }
.rc-badge-interrupted { background: #fff8e6; color: #9a6700; }
.rc-badge-running { background: #eef4ff; color: #0550ae; }
main.rc-report.rc-index { max-width: 1360px; }
tr.rc-error-row td { border-top: none; padding-top: 0; color: #cf222e; font-size: 12px; word-break: break-word; }
td.rc-when, td.rc-status { white-space: nowrap; }
.rc-interval { display: block; color: var(--muted); font-size: 11.5px; }
.rc-muted { color: var(--muted); font-size: 12px; word-break: break-all; }
table.rc-runs td { font-size: 12.5px; }
table.rc-runs th.num { white-space: normal; min-width: 6.5em; }
table.rc-runs tr.rc-is-latest { background: #fff5f6; }
.rc-links a { margin-right: .6em; white-space: nowrap; }
.rc-trend { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 1.2em; }
.rc-trend h3 { font-size: 1em; margin: 1em 0 .2em; }
"""
METRIC_KEYS = HEADLINE_EFFECTS + HEADLINE_METRICS
# How each headline number is written: yuan, a plain ratio, a percent, an AUC.
VALUE_FORMAT = {
    "cannibalization.note_offsite_gmv": "¥{:,.2f}",
    "cannibalization.note_inapp_gmv": "¥{:,.2f}",
    "cannibalization.ratio": "{:.2f}",
    "cannibalization.merchant_inapp_pct": "{:+.1f}%",
    "conversion.test_auc": "{:.3f}",
}
MAX_TICKS = 6
NUM = ' class="num"'
LATEST_ROW = ' class="rc-is-latest"'
ERROR_CHARS = 240


def metric_label(key: str, language: str) -> str:
    return t(f"index.metric.{key.split('.', 1)[1]}", language)


def _fmt(key: str, value: Any) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return MISSING
    if VALUE_FORMAT[key].startswith("¥") and value < 0:
        return "−" + VALUE_FORMAT[key].format(-value)  # −¥12.30, not ¥−12.30
    return VALUE_FORMAT[key].format(value).replace("-", "−")


def headline_text(key: str, value: Any) -> str:
    """ "¥12.30 (¥8.10 – ¥16.50)" for an effect with its interval; "0.781" for a metric."""
    if isinstance(value, Mapping):
        text = _fmt(key, value.get("estimate"))
        if value.get("ci_low") is not None and value.get("ci_high") is not None:
            text += f" ({_fmt(key, value['ci_low'])} – {_fmt(key, value['ci_high'])})"
        return text
    return _fmt(key, value)


def _number_cell(key: str, value: Any) -> str:
    """The estimate, and under it (smaller) its 95% interval."""
    if not isinstance(value, Mapping):
        return esc(headline_text(key, value))
    interval = headline_text(key, value)[len(_fmt(key, value.get("estimate"))) :].strip()
    shown = esc(_fmt(key, value.get("estimate")))
    return shown + (f'<span class="rc-interval">{esc(interval)}</span>' if interval else "")


def _short_time(stamp: Any) -> str:
    """ "2026-11-25 10:15" from an ISO timestamp (UTC), else the dash."""
    return str(stamp)[:16].replace("T", " ") if isinstance(stamp, str) and stamp else MISSING


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return MISSING
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def _href(path: str) -> str:
    """A link to a file inside the reports folder: relative, percent-encoded, escaped."""
    return esc(quote(path, safe="/"))


# --- the trend charts --------------------------------------------------------------------------
def trend_points(payload: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The successful runs that reported `key` (an effect with an interval), oldest first."""
    points = []
    for run in reversed(payload["runs"]):  # the payload lists runs newest first
        value = run.get("headline", {}).get(key)
        if run.get("status") == SUCCEEDED and isinstance(value, Mapping):
            points.append({"run_id": run["run_id"], "latest": run.get("latest"), **value})
    return points


def trend_chart(points: list[dict[str, Any]]) -> str:
    """One estimate across runs: a dot per run and its 95% interval; the latest report in red.

    The chart carries no words (only dates and numbers), so both languages share it.
    """
    with chart_style():
        fig = Figure(figsize=(5.6, 2.5), layout="constrained")
        ax = fig.add_subplot()
        roomy = len(points) <= 30  # beyond ~half a year of weekly runs: thinner marks
        for x, point in enumerate(points):
            estimate = point["estimate"]
            low = point.get("ci_low") if point.get("ci_low") is not None else estimate
            high = point.get("ci_high") if point.get("ci_high") is not None else estimate
            colour = RED if point.get("latest") else "#6b7a8f"
            ax.errorbar(
                [x],
                [estimate],
                yerr=[[max(estimate - low, 0.0)], [max(high - estimate, 0.0)]],
                fmt="o",
                color=colour,
                ecolor=colour,
                elinewidth=1.4 if roomy else 0.9,
                capsize=3 if roomy else 0,
                markersize=5 if roomy else 3,
            )
        if len(points) > 1:
            ax.plot(
                range(len(points)),
                [p["estimate"] for p in points],
                color="#c8ced6",
                lw=0.8,
                zorder=0,
            )
        low, high = ax.get_ylim()
        if low < 0 < high:
            ax.axhline(0, color="#8c8c8c", lw=0.8, ls="--", zorder=0)
        ticks = sorted({round(i * (len(points) - 1) / (MAX_TICKS - 1)) for i in range(MAX_TICKS)})
        ticks = ticks if len(points) > MAX_TICKS else list(range(len(points)))
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.set_xticklabels([_tick_label(points[i]["run_id"]) for i in ticks], fontsize=7.5)
        ax.set_xlim(-0.6, len(points) - 0.4)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.grid(axis="x", visible=False)
        return figure_to_svg(fig)


def _tick_label(run_id: str) -> str:
    # Run ids start with their UTC start time: 20261125T101500Z → "2026-11-25\n10:15".
    return f"{run_id[0:4]}-{run_id[4:6]}-{run_id[6:8]}\n{run_id[9:11]}:{run_id[11:13]}"


def index_charts(payload: Mapping[str, Any]) -> dict[str, tuple[int, str]]:
    """Per headline effect: how many runs it shows and its SVG ("" when no run reported it)."""
    charts = {}
    for key in HEADLINE_EFFECTS:
        points = trend_points(payload, key)
        charts[key] = (len(points), trend_chart(points) if points else "")
    return charts


# --- the page ---------------------------------------------------------------------------------
def _latest_section(payload: Mapping[str, Any], language: str) -> str:
    latest = next((r for r in payload["runs"] if r["run_id"] == payload.get("latest")), None)
    heading = f"<h2>{esc(t('index.latest', language))}</h2>"
    if latest is None or not latest.get("report"):
        return f'<section class="rc-section">{heading}<p>{esc(t("index.no_good_run", language))}</p></section>'
    facts = t(
        "index.latest_facts",
        language,
        time=_short_time(latest.get("started")),
        folder=latest.get("data_folder") or MISSING,
    )
    numbers = "".join(
        f"<li>{esc(metric_label(key, language))}: <strong>{esc(headline_text(key, value))}</strong></li>"
        for key in METRIC_KEYS
        if (value := latest.get("headline", {}).get(key)) is not None
    )
    return (
        f'<section class="rc-section">{heading}<div class="rc-latest">'
        f'<p><a href="{_href(latest["report"])}">{esc(t("index.open_latest", language))}</a>'
        f' · {esc(latest["run_id"])}</p><p class="rc-facts">{esc(facts)}</p>'
        f"{f'<ul>{numbers}</ul>' if numbers else ''}</div></section>"
    )


def _trend_section(
    payload: Mapping[str, Any], language: str, charts: Mapping[str, tuple[int, str]]
) -> str:
    parts = []
    for key in HEADLINE_EFFECTS:
        count, svg = charts[key]
        label = metric_label(key, language)
        if svg:
            svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(label)}" ', 1)
            body = (
                f'<figure class="rc-chart" data-metric="{esc(key)}" data-points="{count}">'
                f"{svg}</figure>"
            )
        else:
            body = f'<p class="rc-note">{esc(t("index.no_trend", language))}</p>'
        parts.append(f"<div><h3>{esc(label)}</h3>{body}</div>")
    return (
        f'<section class="rc-section"><h2>{esc(t("index.trend", language))}</h2>'
        f'<div class="rc-trend">{"".join(parts)}</div>'
        f'<p class="rc-caption">{esc(t("index.trend_caption", language))}</p></section>'
    )


def _status_cell(run: Mapping[str, Any], language: str) -> str:
    status = str(run.get("status"))
    known = status in (SUCCEEDED, FAILED, INTERRUPTED, RUNNING)
    text = t(f"run_status.{status}", language) if known else status
    cell = f'<span class="rc-badge rc-badge-{esc(status if known else FAILED)}">{esc(text)}</span>'
    if run.get("latest"):
        cell += f' <span class="rc-muted">★ {esc(t("index.latest_marker", language))}</span>'
    return cell


def _error_row(run: Mapping[str, Any], columns: int) -> str:
    """A failed or interrupted run's reason, on a full-width line under its row."""
    if run.get("status") == SUCCEEDED or not run.get("error"):
        return ""
    error = str(run["error"])
    short = error if len(error) <= ERROR_CHARS else error[:ERROR_CHARS] + "…"
    return (
        f'<tr class="rc-error-row"><td></td><td colspan="{columns - 1}" title="{esc(error)}">'
        f"{esc(short)}</td></tr>"
    )


def _data_cell(run: Mapping[str, Any], language: str) -> str:
    folder = esc(run.get("data_folder") or MISSING)
    fingerprint = run.get("data_fingerprint")
    if fingerprint:
        label = esc(t("index.fingerprint", language))
        folder += (
            f'<br><span class="rc-muted" title="{esc(fingerprint)}">'
            f"{label} {esc(str(fingerprint)[:12])}</span>"
        )
    return folder


def _parameters_cell(run: Mapping[str, Any]) -> str:
    params = run.get("parameters") or {}
    return "<br>".join(f"{esc(k)}={esc(v if v != '' else '—')}" for k, v in sorted(params.items()))


def _links_cell(run: Mapping[str, Any], language: str) -> str:
    links = []
    if run.get("report"):
        links.append((run["report"], t("index.link.report", language)))
    if run.get("log"):
        links.append((run["log"], t("index.link.log", language)))
    if run.get("status") != SUCCEEDED and run.get("failed_notebook"):
        path = f"{run['run_id']}/{run['failed_notebook']}"
        links.append((path, t("index.link.notebook", language)))
    anchors = "".join(f'<a href="{_href(path)}">{esc(text)}</a>' for path, text in links)
    return f'<span class="rc-links">{anchors}</span>'


def _runs_section(payload: Mapping[str, Any], language: str) -> str:
    heads = [
        t("index.col.time", language),
        t("index.col.status", language),
        t("index.col.data", language),
        t("index.col.parameters", language),
        t("index.col.duration", language),
        *(metric_label(key, language) for key in METRIC_KEYS),
        t("index.col.links", language),
    ]
    numeric = set(range(4, 5 + len(METRIC_KEYS)))  # duration and the headline numbers
    header = "".join(f"<th{NUM if i in numeric else ''}>{esc(h)}</th>" for i, h in enumerate(heads))
    rows = []
    for run in payload["runs"]:
        numbers = "".join(
            f'<td class="num">{_number_cell(key, run.get("headline", {}).get(key))}</td>'
            for key in METRIC_KEYS
        )
        rows.append(
            f'<tr id="run-{esc(run["run_id"])}"{LATEST_ROW if run.get("latest") else ""}>'
            f'<td class="rc-when">{esc(_short_time(run.get("started")))}<br>'
            f'<span class="rc-muted">{esc(run["run_id"])}</span></td>'
            f'<td class="rc-status">{_status_cell(run, language)}</td>'
            f"<td>{_data_cell(run, language)}</td>"
            f"<td>{_parameters_cell(run)}</td>"
            f'<td class="num">{esc(_duration(run.get("duration_seconds")))}</td>'
            f"{numbers}<td>{_links_cell(run, language)}</td></tr>{_error_row(run, len(heads))}"
        )
    table = (
        f'<div class="rc-table-wrap"><table class="rc-table rc-runs"><thead><tr>{header}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    return (
        f'<section class="rc-section"><h2>{esc(t("index.runs", language))}</h2>{table}'
        f'<p class="rc-caption">{esc(t("index.runs_caption", language))}</p></section>'
    )


def render_index(
    payload: Mapping[str, Any],
    language: str = "zh",
    charts: Mapping[str, tuple[int, str]] | None = None,
) -> str:
    """The run history page in `language`, checked to request nothing from outside the folder."""
    charts = index_charts(payload) if charts is None else charts
    counts = payload.get("counts", {})
    other = "en" if language == "zh" else "zh"
    summary = t(
        "index.summary",
        language,
        n=len(payload["runs"]),
        ok=counts.get(SUCCEEDED, 0),
        failed=counts.get(FAILED, 0),
        interrupted=counts.get(INTERRUPTED, 0),
        running=counts.get(RUNNING, 0),
        time=_short_time(payload.get("generated")),
    )
    title = t("index.title", language)
    page = (
        f'<!DOCTYPE html>\n<html lang="{esc(HTML_LANG[language])}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="redcat">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_SECURITY_POLICY)}">\n'
        f'<meta name="redcat-charts" content="{sum(bool(svg) for _, svg in charts.values())}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}{EXTRA_CSS}</style>\n"
        '</head>\n<body>\n<main class="rc-report rc-index">\n'
        f'<p class="rc-lang"><a href="{INDEX_HTML[other]}" hreflang="{other}">'
        f"{esc(t('index.other_language', language))}</a></p>\n"
        f'<h1>{esc(title)}</h1>\n<p class="rc-facts">{esc(summary)}</p>\n'
        f"{_latest_section(payload, language)}\n{_trend_section(payload, language, charts)}\n"
        f"{_runs_section(payload, language)}\n</main>\n</body>\n</html>\n"
    )
    outside = outside_references(page)
    if outside:
        raise ReportExportError(f"the run index would load or run: {'; '.join(outside[:5])}")
    return page


# --- the self-containment check ----------------------------------------------------------------
FETCHING_ATTRIBUTES = frozenset(
    {"src", "srcset", "data", "poster", "action", "formaction", "background", "ping"}
)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "link", "img", "base"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            elif _fetches(tag, name, value):
                self.problems.append(f"<{tag} {name}={value[:80]!r}>")
            elif name == "style" and "url(" in value.lower():
                self.problems.append(f"<{tag} style=url(...)>")

    def handle_data(self, data):
        # Only the inline stylesheet could load anything; the page's text is escaped data.
        if self.lasttag == "style" and ("@import" in data or "url(" in data.lower()):
            self.problems.append("url()/@import in the stylesheet")


def _fetches(tag: str, name: str, value: str) -> bool:
    if name in FETCHING_ATTRIBUTES:
        return bool(value) and not value.startswith("data:")
    return name in ("href", "xlink:href") and not _local_link(value, tag)


def _local_link(value: str, tag: str) -> bool:
    """A fragment, or (on <a> only) a relative path inside the reports folder."""
    if not value or value.startswith("#"):
        return True
    if tag != "a":
        return False
    return (
        ":" not in value.split("/", 1)[0]
        and not value.startswith(("/", "\\"))
        and ".." not in value
    )


def outside_references(page: str) -> list[str]:
    """What in the page would fetch or run something, or link out of the reports folder."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    return scanner.problems
