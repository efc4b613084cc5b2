"""Drawing an Altair chart on a page.

``st.altair_chart`` checks the chart against the whole Vega-Lite schema on every run,
which costs more than building the chart (about 15 ms a chart, so 0.1 s on a page of
charts). Our charts are built by code, and the test suite sets AMHE_VALIDATE_CHARTS=1
so that every chart a page test draws is checked; pages draw them through
:func:`show_chart`, which otherwise hands Streamlit the chart's spec without the check.
Everything else is what ``st.altair_chart`` does.

Charts' data goes into the spec through :func:`records`, Altair's default data
transformer made quicker (it is enabled when this module is imported).
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from altair import limit_rows, to_values

from components.compat import maybe_box_native, sanitize_pandas_dataframe
from core.formatting import escape_markdown
from reports import chart_image

#: Altair's default: a chart with more rows than this is refused (too much for a browser).
MAX_ROWS = 5000

#: Altair's default theme sizes a chart 300 by 300; Streamlit fits it to its container.
_DEFAULT_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def page_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart as a Vega-Lite dict for a page, without Altair's default size (checked
    against the schema only under AMHE_VALIDATE_CHARTS=1)."""
    spec = chart.to_dict(validate=os.environ.get("AMHE_VALIDATE_CHARTS") == "1")
    view = spec.get("config", {}).get("view")
    if isinstance(view, dict):
        for name, size in _DEFAULT_VIEW.items():
            if view.get(name) == size:
                view.pop(name)
        if not view:
            spec["config"].pop("view")
        if not spec["config"]:
            spec.pop("config")
    return spec


def remembered_spec(build: Callable[..., alt.TopLevelMixin], *args: Any) -> dict[str, Any]:
    """``page_spec(build(*args))``, remembered for the same builder and arguments (frames
    and series are compared by their values). Building a chart with Altair takes 15 to
    30 ms, and pages draw the same charts on every rerun. A builder is known by its file
    and name, since a page's functions are made again on every run, so it must depend on
    its arguments only. Returns a copy the caller may change."""
    key = (build.__code__.co_filename, build.__qualname__, _hashable(args))
    try:
        hash(key)
    except TypeError:  # an argument that cannot be compared by value: build it every time
        return page_spec(build(*args))
    with _lock:
        spec = _specs.get(key)
        if spec is not None:
            _specs.move_to_end(key)
    if spec is None:
        spec = page_spec(build(*args))
        with _lock:
            _specs[key] = spec
            while len(_specs) > _MAX_SPECS:
                _specs.popitem(last=False)
    return copy.deepcopy(spec)


def _hashable(value: Any) -> Any:
    """A value that compares (and hashes) by content: frames and series as their cells
    (missing values as None, which equals itself where NaN does not)."""
    if isinstance(value, pd.DataFrame):
        cells = value.astype(object).where(value.notna(), None)
        return ("frame", tuple(map(str, value.columns)), tuple(cells.itertuples(index=False)))
    if isinstance(value, pd.Series):
        cells = value.astype(object).where(value.notna(), None)
        return ("series", tuple(map(str, value.index)), tuple(cells.tolist()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def forget_charts() -> None:
    """Forget every remembered chart (tests, and the benchmark's cold runs)."""
    with _lock:
        _specs.clear()


_MAX_SPECS = 512
_specs: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def show_chart(
    chart: alt.TopLevelMixin | dict[str, Any], *, downloads: bool = True, **options: Any
) -> Any:
    """``st.altair_chart(chart, **options)`` without the schema check on every run; a
    chart may also be given as its :func:`page_spec`. Under it, "Download chart" offers
    the chart as a PNG and an SVG picture (``downloads=False``: not on a shared screen);
    the chart needs a ``key`` for that."""
    spec = chart if isinstance(chart, dict) else page_spec(chart)
    shown = st.vega_lite_chart(spec, **options)
    if downloads and options.get("key"):
        chart_downloads(spec, str(options["key"]))
    return shown


#: The pictures a chart downloads as: label, file suffix, type, how it is drawn, what for.
_PICTURES = (
    ("As a PNG picture", "png", "image/png", chart_image.png, "For slides, e-mails and documents."),
    (
        "As an SVG picture",
        "svg",
        "image/svg+xml",
        chart_image.svg,
        "Sharp at any size, for print and design software.",
    ),
)


def chart_downloads(spec: dict[str, Any], key: str) -> None:
    """A "Download chart" button that opens the choice of a PNG or an SVG picture of
    ``spec``. The picture is drawn only when asked for (reports.chart_image)."""
    stem = chart_image.file_stem(spec)
    with st.popover("Download chart", icon=":material/download:", key=f"{key}-pictures"):
        st.caption(escape_markdown(chart_image.title_of(spec) or "This chart"))
        for label, suffix, mime, draw, why in _PICTURES:
            st.download_button(
                label,
                data=partial(draw, spec),
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"{key}-{suffix}",
                on_click="ignore",
                help=why,
            )


def records(data: Any) -> dict[str, Any]:
    """Altair's default data transformer (a row limit, then a frame as a list of
    records), with the records made column by column: pandas' row-by-row
    ``to_dict("records")`` takes a tenth of a second for a few thousand rows of text
    (the trend charts of seventy regions). The same values as Altair's own."""
    data = limit_rows(data, max_rows=MAX_ROWS)
    if not isinstance(data, pd.DataFrame):
        return to_values(data)
    clean = sanitize_pandas_dataframe(data)
    names = [str(c) for c in clean.columns]
    columns = [
        [maybe_box_native(v) for v in clean[c]] if clean[c].dtype == object else clean[c].tolist()
        for c in clean.columns
    ]
    return {"values": [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]}


alt.data_transformers.register("amhe", records)
alt.data_transformers.enable("amhe")
