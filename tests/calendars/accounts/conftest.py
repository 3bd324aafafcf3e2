"""Accounts tests reuse the Radicale server of the CalDAV tests."""

from __future__ import annotations

from ..caldav.conftest import radicale

__all__ = ["radicale"]
