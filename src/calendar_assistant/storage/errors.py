"""The one error storage raises for a database it cannot use."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened, read or written; the message names the file or server.

    Raised for a corrupt, unreadable or locked file and for an unreachable server. Nothing
    is reset or re-created behind the user's back: the file is left exactly as it was.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.location = location
