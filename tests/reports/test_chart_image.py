"""reports/chart_image: a page's chart as a PNG and an SVG picture, drawn from the spec
the page shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd

from reports import chart_image

TITLE = "Staff trained, London, by quarter"


def page_chart() -> dict:
    """A chart as a page hands it to Streamlit: its width left to the column."""
    frame = pd.DataFrame({"Quarter": ["Q1", "Q2", "Q3"], "Staff trained": [12, 18, 25]})
    chart = (
        alt.Chart(frame, title=TITLE, description="Staff trained by quarter.")
        .mark_line(point=True)
        .encode(x="Quarter:N", y="Staff trained:Q")
    )
    spec = chart.to_dict()
    spec["width"] = "container"
    return spec


def test_a_chart_left_to_its_column_gets_a_fixed_width_in_a_file():
    spec = page_chart()
    drawn = chart_image.file_spec(spec)
    assert drawn["width"] == chart_image.FILE_WIDTH
    assert drawn["background"] == "white"
    assert spec["width"] == "container", "the page's own spec is not changed"


def test_small_multiples_keep_each_views_width():
    spec = {"facet": {"field": "Region"}, "spec": {"mark": "line"}, "width": "container"}
    drawn = chart_image.file_spec(spec)
    assert "width" not in drawn
    assert chart_image.file_spec({"hconcat": [], "width": 300})["width"] == 300


def test_the_png_is_a_picture_of_the_chart():
    picture = chart_image.png(page_chart())
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(picture[16:20], "big")
    assert width >= chart_image.FILE_WIDTH * chart_image.PNG_SCALE * 0.9


def test_the_svg_is_a_drawing_with_the_title_and_the_values():
    drawing = chart_image.svg(page_chart()).decode("utf-8")
    root = ET.fromstring(drawing)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert TITLE in text
    assert "Staff trained" in text and "Q3" in text


def test_the_file_is_named_after_the_chart():
    assert chart_image.file_stem(page_chart()) == "staff-trained-london-by-quarter-chart"
    assert chart_image.file_stem({"title": {"text": ["Two", "lines"]}}) == "two-lines-chart"
    assert chart_image.file_stem({}) == "chart"
