"""Scroll the page to an element just opened (a metric chosen, an action's details):
a tiny constant script that finds the container with the given Streamlit key and brings
it into view. The key is one the app made, never text someone typed."""

from __future__ import annotations

import re

import streamlit as st

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ROUND = "scroll-round"

#: Waits (up to 20 seconds: a busy server draws a long page slowly) for the container to
#: be drawn and scrolls to it; for the next two seconds, brings it back into view if the
#: page moved it away (Streamlit scrolls a newly opened page to its top as it draws it).
_SCRIPT = """
<span class="amhe-scroll" data-target="{target}" data-round="{round}" hidden></span>
<script>
(function () {{
  var target = ".st-key-{target}";
  var tries = 0;
  var seen = 0;
  var timer = setInterval(function () {{
    var element = document.querySelector(target);
    tries += 1;
    if (element) {{
      var top = element.getBoundingClientRect().top;
      if (seen === 0 || top < 0 || top > window.innerHeight / 2) {{
        element.scrollIntoView({{block: "start"}});
      }}
      seen += 1;
      if (seen > 20) clearInterval(timer);
    }} else if (tries > 200) {{
      clearInterval(timer);
    }}
  }}, 100);
}})();
</script>
"""


def scroll_to(key: str) -> None:
    """Scroll to the ``st.container(key=key)`` on this run (drawn before or after)."""
    if not _KEY.match(key):
        raise ValueError(f"Not a container key: {key!r}")
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.html(
        _SCRIPT.format(target=key, round=st.session_state[_ROUND]),
        unsafe_allow_javascript=True,
    )
