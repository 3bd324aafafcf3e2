"""The local calendar, kept in the assistant's own database."""
