"""A story's charts as inline SVG for report.html: plain shapes and text, no scripts, nothing
loaded (the report's Content-Security-Policy holds), every label escaped. Each chart is
followed by its numbers as a table, for screen readers and for copying."""

from __future__ import annotations

from html import escape

from sourcemark.app.overview import Chart

WIDTH = 640
LABEL_WIDTH = 170
VALUE_ROOM = 40
BAR_HEIGHT = 14
SERIES_GAP = 2
ROW_GAP = 8
LEGEND_HEIGHT = 22
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def chart_figure(chart: Chart, number: int) -> str:
    """A <figure> holding the chart's SVG and, below it, its table."""
    caption_id = f"chart-{number}"
    return (
        f"<figure class='chart' aria-labelledby='{caption_id}'>"
        f"<figcaption id='{caption_id}'>{escape(chart.title)}</figcaption>"
        f"{chart_svg(chart, caption_id)}{chart_table(chart)}</figure>"
    )


def chart_svg(chart: Chart, labelled_by: str) -> str:
    series = len(chart.series)
    row_height = series * BAR_HEIGHT + (series - 1) * SERIES_GAP + ROW_GAP
    legend = LEGEND_HEIGHT if series > 1 else 0
    height = legend + row_height * len(chart.rows) + ROW_GAP
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / max(chart.largest, 1)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-labelledby='{labelled_by}' "
        f"width='{WIDTH}' height='{height}' viewBox='0 0 {WIDTH} {height}' "
        f'font-family="{FONT}" font-size="12">'
    ]
    if series > 1:
        x = LABEL_WIDTH
        for s in chart.series:
            parts.append(f"<rect x='{x}' y='4' width='12' height='12' fill='{s.colour}'/>")
            parts.append(f"<text x='{x + 16}' y='14'>{escape(s.name)}</text>")
            x += 20 + 8 * len(s.name)
    for row, (label, values) in enumerate(chart.rows):
        top = legend + ROW_GAP + row * row_height
        middle = top + (row_height - ROW_GAP) / 2 + 4
        parts.append(
            f"<text x='{LABEL_WIDTH - 8}' y='{middle:.0f}' text-anchor='end'>"
            f"{escape(_short(label))}</text>"
        )
        for index, value in enumerate(values):
            colour = chart.bar_colours[row] if chart.bar_colours else chart.series[index].colour
            y = top + index * (BAR_HEIGHT + SERIES_GAP)
            width = value * scale
            parts.append(
                f"<rect x='{LABEL_WIDTH}' y='{y}' width='{width:.1f}' height='{BAR_HEIGHT}' "
                f"fill='{colour}' stroke='#555' stroke-width='0.5'/>"
            )
            parts.append(
                f"<text x='{LABEL_WIDTH + width + 4:.1f}' y='{y + BAR_HEIGHT - 3}'>{value}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def chart_table(chart: Chart) -> str:
    header, *rows = chart.table()
    head = "".join(f"<th scope='col'>{escape(cell)}</th>" for cell in header)
    body = "".join(
        f"<tr><th scope='row'>{escape(row[0])}</th>"
        + "".join(f"<td class='num'>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<table class='chart-numbers'><caption>{escape(chart.title)}: the numbers</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _short(label: str, width: int = 26) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
