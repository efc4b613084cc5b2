"""Your account: changing your own password (the email reminder switch stays in the
sidebar). A page of its own, so the form is never on a page people read or present."""

from __future__ import annotations

import streamlit as st

from components.context import current
from components.my_settings import password_settings

st.title("Your account")
password_settings(current())
