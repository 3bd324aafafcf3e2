"""Rendering outcomes as short replies in Russian and English."""
