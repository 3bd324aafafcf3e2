"""Carrying out a Command against the user's calendar backend."""
