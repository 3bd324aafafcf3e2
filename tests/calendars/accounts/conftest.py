"""Accounts tests reuse the Radicale server and the fake Google servers."""

from __future__ import annotations

from ..caldav.conftest import radicale
from ..google.conftest import api, client_config, google, google_oauth

__all__ = ["api", "client_config", "google", "google_oauth", "radicale"]
