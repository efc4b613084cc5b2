"""The Regional Forum meeting pack as one accessible HTML file.

The PDF (``reports.meeting_pack``) is untagged, so screen readers cannot use it. This
file says the same things from the same :class:`~reports.meeting_pack.PackContent`
(so the two cannot disagree): a proper document (language, title, one ``h1``, ``h2``
for each section, ``h3`` and ``h4`` below), real tables with header cells, and each
metric's chart as inline SVG with a text description and its data table. Every piece of
text is escaped with :func:`html.escape`; nothing is fetched from elsewhere (no scripts,
fonts or pictures), so the file works offline and can be emailed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from core.disclosure import DEFAULT_THRESHOLD
from reports.html_parts import shapes_svg, table_html
from reports.meeting_pack import CHART_HEIGHT, CHART_WIDTH, PackContent, pack_content
from reports.meeting_pack import file_name as pdf_file_name
from reports.paper_chart import PaperChart, chart_shapes
from reports.spc_section import spc_html
from services.meetings import MeetingFigures

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1a1a1a;
       background: #ffffff; max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1 { font-size: 1.9rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #0072B2; }
h3 { margin-top: 1.75rem; } h4 { margin-top: 1.25rem; }
.demo { border: 3px solid #D55E00; padding: 0.75rem 1rem; font-weight: bold; }
.note { font-size: 0.9rem; color: #333333; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #767676; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
thead th { background: #f0f0f0; }
tbody th { font-weight: normal; }
figure { margin: 0.5rem 0; }
figure svg { width: 100%; max-width: 42rem; height: auto; border: 1px solid #dddddd; }
figcaption { font-size: 0.95rem; }
@media print { h2 { page-break-before: always; } }
"""

#: The pack's sections: (id, heading), in order.
SECTIONS = (
    ("since", "Since the last meeting"),
    ("quarters", "Quarterly figures to review"),
    ("themes", "Theme statuses"),
    ("metrics", "Metrics by theme"),
    ("projects", "Community projects"),
    ("feedback", "Open feedback"),
    ("decisions", "Decisions"),
)


def file_name(region_name: str, meeting_date: date) -> str:
    """'meeting-pack-london-2026-08-15.html' (the PDF's name, as HTML)."""
    return pdf_file_name(region_name, meeting_date).removesuffix(".pdf") + ".html"


def _p(text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<p{klass}>{escape(str(text))}</p>"


def chart_svg(chart: PaperChart, title: str, description: str, key: str) -> str:
    """A metric's chart as inline SVG (the PDF's shapes, ``reports.paper_chart``),
    named by its title and described by its description for assistive technology."""
    shapes = chart_shapes(chart, 0, 0, CHART_WIDTH, CHART_HEIGHT)
    return shapes_svg(shapes, CHART_WIDTH, CHART_HEIGHT, title, description, key)


def _bullets(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in items) + "</ul>"


def _since(content: PackContent) -> list[str]:
    out = [_p(content.window)]
    if not content.changes:
        return [*out, _p("Nothing was recorded in this period.")]
    out.append(table_html(content.change_counts, "How many changes of each kind"))
    for kind, summaries in content.changes:
        out += [f"<h3>{escape(kind)}</h3>", _bullets(summaries)]
    return out


def _quarters(content: PackContent) -> list[str]:
    out = []
    if not content.quarters:
        out.append(_p("No quarter is waiting for the Regional Forum's review."))
    for item in content.quarters:
        out += [f"<h3>{escape(item.heading)}</h3>", _p(item.meaning)]
        out += [_p(line) for line in item.history]
        out.append(table_html(item.table, f"{item.heading}: each metric's figures"))
        if item.missing:
            out += [_p("Metrics without a value, and why:"), _bullets(item.missing)]
    out.append(_p(content.provisional_note, "note"))
    return out


def _themes(content: PackContent) -> list[str]:
    out = [_p(content.method), table_html(content.themes, "The themes' statuses")]
    if content.tags_note:
        out.append(_p(content.tags_note, "note"))
    return out


def _metrics(content: PackContent) -> list[str]:
    out = [_p(content.metrics_intro)]
    count = 0
    for theme in content.theme_sections:
        out += [f"<h3>{escape(theme.heading)}</h3>", _p(theme.explanation)]
        if not theme.metrics:
            out.append(_p("No metrics are set up for this theme yet."))
        for page in theme.metrics:
            count += 1
            key = f"chart-{count}"
            out += [
                f"<h4>{escape(page.title)}</h4>",
                "<figure>",
                chart_svg(page.chart, f"Chart of {page.title}", page.description, key),
                f"<figcaption>{escape(page.description)}</figcaption>",
                "</figure>",
                table_html(page.table, f"Figures for {page.title}, newest first"),
                _p(f"Status: {page.status}. {page.explanation}"),
            ]
            if page.spc is not None:
                out.append(spc_html(page.spc, f"spc-{count}", level=5))
    return out


def _projects(content: PackContent) -> list[str]:
    out = [_p(content.projects_intro)]
    if not content.projects.empty:
        out += [
            table_html(content.projects, "The region's community projects"),
            _p(content.projects_note, "note"),
        ]
    return out


def _feedback(content: PackContent) -> list[str]:
    out = [_p(content.feedback_intro)]
    if not content.feedback.empty:
        out.append(
            table_html(
                content.feedback,
                "Feedback still waiting for a response, oldest first",
                row_headers=False,
            )
        )
    return out


def _decisions(content: PackContent) -> list[str]:
    if content.decisions.empty:
        return [_p(content.decisions_intro)]
    return [table_html(content.decisions, "The meeting's decisions", row_headers=False)]


def render_html(content: PackContent) -> str:
    """The pack as one self-contained HTML document; every piece of text is escaped."""
    builders = {
        "since": _since,
        "quarters": _quarters,
        "themes": _themes,
        "metrics": _metrics,
        "projects": _projects,
        "feedback": _feedback,
        "decisions": _decisions,
    }
    demo = (
        [_p("Synthetic demo data: every figure in this pack is made up.", "demo")]
        if content.demo
        else []
    )
    body = [
        "<header>",
        *demo,
        f"<h1>{escape(content.title)}</h1>",
        *[_p(line) for line in content.cover_lines if "Synthetic demo data" not in line],
        _p(content.contents),
        _p(content.disclosure, "note"),
        "</header>",
        '<nav aria-label="Contents"><h2>Contents</h2><ol>',
        *[f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title in SECTIONS],
        "</ol></nav>",
        "<main>",
    ]
    for key, title in SECTIONS:
        body += [f'<section id="{key}" aria-labelledby="{key}-heading">']
        body += [f'<h2 id="{key}-heading">{escape(title)}</h2>', *builders[key](content)]
        body.append("</section>")
    body += ["</main>", "<footer>", _p(content.disclosure, "note"), *demo, "</footer>"]
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(content.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_meeting_pack_html(
    figures: MeetingFigures,
    *,
    disclosure_threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
) -> str:
    """The meeting pack for the meeting ``figures`` describe, as an HTML document: the
    same content as the PDF (``reports.meeting_pack.pack_content``), always under
    disclosure control."""
    return render_html(
        pack_content(figures, disclosure_threshold=disclosure_threshold, demo=demo, today=today)
    )
