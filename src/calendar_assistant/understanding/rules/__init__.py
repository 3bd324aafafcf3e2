"""Intent rules: which request a message is, and its slots, in Russian and English."""
