"""Rendering outcomes as short replies in Russian and English: `render.render`.

Dates with Babel in the user's zone (`ср, 25 ноября, 10:00–11:00`, `Wed, Nov 25,
10:00–11:00 AM`; the year only when it is not this year; UTC offsets when the clocks change
during an event), counts with CLDR plural rules (`plurals`), buttons with payloads of the
form `<question token>:<answer>` (`payloads`).
"""
