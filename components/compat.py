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

Written against pandas 3.1 and Altair 6.3. tests/test_adapters.py checks each against
the installed versions: how it behaves, not only that it still imports. When one
moves, this module fails at import with the name of what moved.
"""

from __future__ import annotations

try:
    from altair.utils.data import sanitize_pandas_dataframe
    from altair.utils.schemapi import SchemaValidationError
    from pandas.core.dtypes.cast import maybe_box_native
except ImportError as exc:  # pragma: no cover - only after an upgrade
    raise ImportError(
        f"pandas or Altair moved an internal that components/compat.py relies on ({exc}); "
        "see tests/test_adapters.py"
    ) from exc

__all__ = ["SchemaValidationError", "maybe_box_native", "sanitize_pandas_dataframe"]
