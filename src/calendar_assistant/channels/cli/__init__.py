"""The terminal channel: an interactive chat and scripted dialogues."""
