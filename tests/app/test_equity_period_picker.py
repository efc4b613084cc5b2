"""The Equity page's period is a picker of quarters (or years), never free text."""

from __future__ import annotations

from datetime import date

import db.quarterly
from core.equity import MEASURES

PAGE = "pages/equity.py"
TODAY = date(2026, 5, 20)  # in Q1 2026/27


def open_as_lead(signed_in, monkeypatch):
    monkeypatch.setattr(db.quarterly, "today", lambda: TODAY)
    at = signed_in("london.lead", "demo-london")
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def test_quarters_are_picked_newest_first_and_none_has_not_begun(signed_in, monkeypatch):
    at = open_as_lead(signed_in, monkeypatch)
    assert not [t for t in at.text_input if t.key and "period" in t.key]
    picker = at.selectbox(key="eq-in-period-quarter")
    assert picker.label == "Quarter"
    assert picker.options[:3] == ["Q1 2026/27", "Q4 2025/26", "Q3 2025/26"]
    assert picker.options[-1] == "Q1 2021/22"
    # It opens on the last quarter that has ended.
    assert picker.value == date(2026, 1, 1)


def test_a_yearly_measure_picks_financial_years(signed_in, monkeypatch):
    at = open_as_lead(signed_in, monkeypatch)
    at.selectbox(key="eq-in-measure").set_value(MEASURES["mha_detentions"]).run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="eq-in-period-year")
    assert picker.label == "Year"
    assert picker.options[:2] == ["2026/27", "2025/26"]
    assert picker.value == date(2025, 4, 1)
