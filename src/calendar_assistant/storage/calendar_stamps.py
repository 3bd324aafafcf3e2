"""A cheap per-user change stamp of the calendar, so an open web page can tell that it
should fetch its events again without fetching them every few seconds.

The stamp is read, not kept: it is a digest of the user's rows in two tables every
replica shares, so it needs no migration and no write path has to remember to bump it.

- `events` (the local calendar): how many rows, the newest `updated_at` and the sum of
  the rows' versions. A create or a delete changes the count, an update raises a version
  (and `updated_at`), an undo restores rows with a fresh `updated_at`.
- `undo_log`: how many entries, the newest id and time. Every change the assistant makes,
  on any calendar (also Google or CalDAV, whose events are not in `events`), pushes an
  entry, and an undo pops one.

Changes made outside the assistant to a remote calendar (in Google's own app) do not
change it; the page also fetches again when its tab comes back into view.
"""

from __future__ import annotations

import hashlib
from typing import cast

from sqlalchemy import Table, bindparam, func, select

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import EventRow, UndoLogRow

_EVENTS = cast(Table, EventRow.__table__)
_UNDO = cast(Table, UndoLogRow.__table__)
_EVENTS_DIGEST = select(
    func.count(), func.max(_EVENTS.c.updated_at), func.coalesce(func.sum(_EVENTS.c.version), 0)
).where(_EVENTS.c.user_id == bindparam("user_id"))
_UNDO_DIGEST = select(func.count(), func.max(_UNDO.c.id), func.max(_UNDO.c.created_at)).where(
    _UNDO.c.user_id == bindparam("user_id")
)


class CalendarStamps:
    """Reads a user's change stamp: equal stamps mean the page's events are still current."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def stamp(self, user_id: int) -> str:
        """A short opaque string that changes whenever the user's calendar changes."""
        parameters = {"user_id": user_id}
        events = (await self._db.fetch(_EVENTS_DIGEST, parameters))[0]
        undo = (await self._db.fetch(_UNDO_DIGEST, parameters))[0]
        parts = "|".join(str(value) for value in (*events, *undo))
        return hashlib.sha256(parts.encode()).hexdigest()[:16]
