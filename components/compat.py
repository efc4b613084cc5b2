"""The parts of pandas and Altair the app uses that the libraries do not publish, each
behind one small name here, so that an upgrade that moves or changes one breaks this
module only.

- ``sanitize_pandas_dataframe`` (Altair, ``altair.utils.data``): what Altair's default
  data transformer does to a frame before turning it into records (categoricals and
  dates to strings, NaN to None, ...). components/charts.py makes the records itself,
  column by column, and needs exactly Altair's cleaning to give the same values.
- ``maybe_box_native`` (pandas, ``pandas.core.dtypes.cast``): a NumPy scalar as the
  Python value pandas' own ``to_dict("records")`` gives for it.
- ``SchemaValidationError`` (Altair, ``altair.utils.schemapi``): what ``to_dict``
  raises for a chart that breaks the Vega-Lite schema.
- ``leave_pages_folder_mode`` (Streamlit, ``streamlit.runtime.pages_manager``): until
  some run in the process has called ``st.navigation``, Streamlit runs the page file at
  a visited address directly (its older "pages folder" mode); this turns that off.

Written against pandas 3.1, Altair 6.3 and Streamlit 1.67. tests/test_adapters.py checks
each against the installed versions: how it behaves, not only that it still imports. When one
moves, this module fails at import with the name of what moved.
"""

from __future__ import annotations

try:
    from altair.utils.data import sanitize_pandas_dataframe
    from altair.utils.schemapi import SchemaValidationError
    from pandas.core.dtypes.cast import maybe_box_native
    from streamlit.runtime.pages_manager import PagesManager
except ImportError as exc:  # pragma: no cover - only after an upgrade
    raise ImportError(
        f"pandas, Altair or Streamlit moved an internal that components/compat.py relies "
        f"on ({exc}); see tests/test_adapters.py"
    ) from exc


def leave_pages_folder_mode() -> bool:
    """Turn off Streamlit's "pages folder" mode for this process; True when it was on
    (the run showing is a page file run directly, not through app.py)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


__all__ = [
    "SchemaValidationError",
    "leave_pages_folder_mode",
    "maybe_box_native",
    "sanitize_pandas_dataframe",
]
