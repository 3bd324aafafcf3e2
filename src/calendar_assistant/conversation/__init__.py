"""The dialogue: Assistant.handle, clarifying questions, confirmations, undo."""
