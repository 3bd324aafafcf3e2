"""Persistence: SQLAlchemy models, repositories and Alembic migrations."""

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.dialogue_states import DialogueStateRepository
from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.reminders import Reminder, ReminderRepository
from calendar_assistant.storage.undo_log import UndoEntry, UndoLogRepository
from calendar_assistant.storage.users import UserRecord, UserRepository, UserSettings

__all__ = [
    "Database",
    "DialogueStateRepository",
    "Reminder",
    "ReminderRepository",
    "StorageError",
    "UndoEntry",
    "UndoLogRepository",
    "UserRecord",
    "UserRepository",
    "UserSettings",
]
