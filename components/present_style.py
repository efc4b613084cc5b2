"""How the Forum meeting's presentation looks: constant CSS that leaves nothing but the
presentation on screen (no sidebar, header, toolbar, demo banner or page controls) in
large, high-contrast type, and the larger chart fonts. Constant text only: nothing
anyone typed ever goes into this HTML."""

from __future__ import annotations

from typing import Any

import streamlit as st

#: The key of the container that holds the presentation (its CSS class is st-key-<key>).
CONTAINER_KEY = "amhe-present"
#: The key of the container of the Page Up and Page Down buttons, which are not shown:
#: they exist for their keyboard shortcuts (what presentation clickers send).
KEYS_CONTAINER_KEY = "amhe-present-keys"

_P = f".st-key-{CONTAINER_KEY}"

#: Constant CSS (never formatted with anything a person typed).
PRESENT_CSS = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stBottom"],
.st-key-{KEYS_CONTAINER_KEY} {{
  display: none !important;
}}
[data-testid="stMain"] :has({_P}) > :not(:has({_P})):not({_P}) {{
  display: none !important;
}}
[data-testid="stMainBlockContainer"] {{
  padding: 0.75rem 2rem 0.5rem 2rem !important;
  max-width: none !important;
}}
{_P} {{ color: #000; background: #fff; }}
{_P} p, {_P} li, {_P} td, {_P} th, {_P} [data-testid="stMarkdownContainer"] {{
  font-size: 22px !important;
  line-height: 1.4 !important;
  color: #000 !important;
}}
{_P} h2 {{ font-size: 34px !important; padding: 0 !important; }}
{_P} h3 {{ font-size: 28px !important; padding: 0.25rem 0 !important; }}
{_P} h4 {{ font-size: 24px !important; padding: 0.2rem 0 !important; }}
{_P} h2, {_P} h3, {_P} h4 {{ color: #000 !important; line-height: 1.25 !important; }}
{_P} [data-testid="stCaptionContainer"], {_P} [data-testid="stCaptionContainer"] p {{
  font-size: 18px !important;
  color: #1a1a1a !important;
}}
{_P} [data-testid="stMetricLabel"] p {{ font-size: 20px !important; }}
{_P} [data-testid="stMetricValue"] {{ font-size: 40px !important; color: #000 !important; }}
{_P} button, {_P} button p, {_P} button span {{ font-size: 20px !important; }}
{_P} button[kind="primary"]:enabled p, {_P} button[kind="primary"]:enabled span {{
  color: #fff !important;
}}
{_P} button:disabled p, {_P} button:disabled span {{ color: #595959 !important; }}
{_P} p span, {_P} li span {{ font-size: inherit !important; }}
{_P} [data-testid="stTable"] td, {_P} [data-testid="stTable"] th {{
  font-size: 20px !important;
  padding: 0.3rem 0.5rem !important;
}}
{_P} .st-key-present-figures [data-testid="stTable"] td,
{_P} .st-key-present-figures [data-testid="stTable"] th {{
  font-size: 18px !important;
  white-space: nowrap !important;
  padding: 0.25rem 0.4rem !important;
}}
</style>"""

#: Chart text sizes in presentation: at least 18 px for labels, 24 px for the title.
CHART_CONFIG: dict[str, Any] = {
    "font": "sans-serif",
    "axis": {
        "labelFontSize": 18,
        "titleFontSize": 20,
        "labelColor": "#000",
        "titleColor": "#000",
    },
    "legend": {
        "labelFontSize": 18,
        "titleFontSize": 20,
        "labelColor": "#000",
        "titleColor": "#000",
        "symbolSize": 200,
    },
    "title": {"fontSize": 24, "color": "#000"},
}

#: The plotting area's height in presentation: with the title, the legend and the
#: quarter labels the chart stays inside a 1280 by 720 screen.
CHART_HEIGHT = 170


def hide_page_chrome() -> None:
    """Everything but the presentation leaves the screen (constant CSS)."""
    st.html(PRESENT_CSS)


def presentation_chart(spec: dict[str, Any]) -> dict[str, Any]:
    """A chart's page spec with the presentation's larger fonts (changes ``spec``)."""
    config = spec.setdefault("config", {})
    for name, values in CHART_CONFIG.items():
        if isinstance(values, dict):
            config[name] = {**config.get(name, {}), **values}
        else:
            config[name] = values
    return spec
