"""The app as ``streamlit run app.py`` serves it, plus the browser benchmark's floor page.

Run by ``tests.benchmarks.browser`` through a symbolic link in a temporary folder, next to
a link to ``pages/``: Streamlit resolves the app's page paths ("pages/metrics.py") from the
folder of the script it runs, so this script must seem to sit beside app.py. app.py itself
is unchanged: its ``PAGES`` gets one more entry, the floor page (everyone sees it, in a
section of its own at the end of the navigation), and its ``main()`` runs as usual.
"""

from __future__ import annotations

from pathlib import Path

import app

FLOOR = app.PageSpec(
    str(Path(__file__).resolve().with_name("floor_page.py")),
    "Floor",
    ":material/speed:",
    section="Benchmark",
)

if FLOOR not in app.PAGES:  # this script runs again on every rerun; app is imported once
    app.PAGES = (*app.PAGES, FLOOR)

app.main()
