"""Numbers as people read them."""

from __future__ import annotations

import math

UNIT_LABELS = {
    "count": "number",
    "percentage": "percentage",
    "rate": "rate",
    "score": "score",
}


def format_value(value: float | None, unit: str) -> str:
    """``72.456, 'percentage'`` -> ``72.5%``; counts get thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    if unit == "percentage":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.1f}"
