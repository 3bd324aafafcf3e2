"""The dialogue: Assistant.handle, clarifying questions, confirmations, undo.

Readings this package takes where SPEC.md is silent:

- One question is open at a time per user (`state.Pending`): a clarification, a choice
  among several events, a series scope, a yes/no, or a conflict. The next message either
  answers it (a button, or typed: «да», "no", «2», «только эту», "anyway", or for a
  clarification whatever `understanding.complete` reads) or is a new request, which drops
  the question. A typed «нет»/"no"/«отмена» drops it too. A question expires after an hour.
- Buttons carry the question's token; a button of an older question does nothing.
- For a series, choosing "this / this and following / all" in a delete is the
  confirmation: the buttons say exactly what will happen.
- A question pins the event it is about (its version): if the event changes before the
  answer, nothing is overwritten and the user sees the event as it is now.
- Every change pushes one undo record (snapshots of every event id it touched, ids of
  reminders it added); if that push fails the change is taken back. «Отмени последнее»
  restores the snapshots exactly, a deleted series with its overrides included.
- Replies are in the message's language when its letters say so plainly, else in the
  language of the open question, else in the user's setting. A channel's language hint
  only seeds a new user's setting.
"""
