"""Carrying out a Command against the user's calendar backend: `executor.execute`.

Readings this package takes where SPEC.md is silent:

- Create: a write happens at once unless the new event overlaps a timed event; then up to
  three free slots of the same length in working hours are offered, nearest to the wish,
  searched over the next seven days. A recurring create checks its first occurrence.
  Times in the past are refused (a series starts at its next occurrence anyway).
- Finding the event meant: a named day is searched as said, a named time means events
  starting then (or running then), a title alone is looked for from today on, two weeks
  first then a year. Titles match by lemmas (`matching`). Several events → a numbered
  choice, unless exactly one title is an exact match.
- Update: a new start keeps the length; a day alone («на четверг») keeps the clock time;
  `changes.end` extends; a range with a destination day is a bulk move, confirmed first.
  A move into busy time is done (the user asked for it) and the reply names the overlap.
- Delete: always confirmed; a range («все встречи на понедельник») is confirmed with the
  count and deletes those occurrences only, never whole series.
- Free slots: working hours and days apply unless the window named is wholly outside the
  hours (an evening, a night) or names only days off (a Saturday, the weekend), which are
  then searched in working hours; never in the past; at least 30 minutes unless said.
  With no window: the next seven days.
- Reminders relative to an event are stored as their own reminder row at the next
  occurrence's start − N (see `reminding`), not added to the event's reminder list.
- Times are compared and added as UTC instants (`context.instant`): Python compares two
  datetimes that share a tzinfo by wall clock, which is wrong on a fall-back night.
"""
