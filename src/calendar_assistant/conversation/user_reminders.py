"""The reminder repository bound to one user: what the executor writes reminders to."""

from __future__ import annotations

from datetime import datetime

from calendar_assistant.actions.context import PendingReminder
from calendar_assistant.storage import ReminderRepository


class UserReminders:
    """The reminder repository bound to one user: the `ReminderBook` the executor writes to."""

    def __init__(self, repository: ReminderRepository, user_id: int, zone: str) -> None:
        self._repository = repository
        self._user_id = user_id
        self._zone = zone  # a repeating reminder keeps its clock in the user's zone

    async def add(
        self,
        *,
        text: str,
        due: datetime,
        event_id: str | None,
        minutes_before: int | None,
        rrule: str | None = None,
    ) -> int:
        stored = await self._repository.add(
            self._user_id,
            text,
            due,
            event_id=event_id,
            minutes_before=minutes_before,
            rrule=rrule,
            timezone=self._zone if rrule is not None else None,
        )
        return stored.id

    async def remove(self, reminder_id: int) -> None:
        await self._repository.delete(self._user_id, reminder_id)

    async def pending(self) -> list[PendingReminder]:
        stored = await self._repository.list_for_user(self._user_id)
        return [
            PendingReminder(r.id, r.text, r.due, r.event_id, r.minutes_before, r.rrule)
            for r in stored
        ]
