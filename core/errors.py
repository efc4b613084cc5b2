"""The two ways a write can be refused, shared by every layer.

They live in ``core`` so that pages and components can catch them without importing
the database layer (``db.writes`` raises them; see the layer rules in the README).
"""

from __future__ import annotations


class WriteRefused(ValueError):
    """A write was refused for a reason the person can fix; the message says which."""


class StaleWrite(WriteRefused):
    """Someone else changed the record since it was read (optimistic concurrency)."""
