"""What other apps must do when a person's placement ends or moves.

Movements live above staffing, so staffing announces and they act (connected in
``secondments.apps``). Receivers run inside the writer's transaction: an exception refuses the
whole change.

- ``leaving_preview(person, last_day)``: each receiver returns a list of texts saying what leaving
  on ``last_day`` will also do (the leave form lists them for confirmation).
- ``person_leaving(person, last_day, by)``: the person leaves the roll after ``last_day``; each
  receiver does its part and returns a list of texts saying what it did. Sent before the
  placements are closed, so that a transfer applied ahead can be undone first.
- ``placement_changing(person, effective_from, unit)``: the person's home unit changes from
  ``effective_from``; a receiver raises ``ValidationError`` to refuse.
- ``placement_reopening(person, effective_from, by)``: a placement change from ``effective_from``
  is about to be written; receivers take back the placements they recorded ahead, after that date
  (transfers applied in advance), and return what they took back.
- ``placement_changed(person, effective_from, by)``: the change is written; receivers apply again
  what they took back, on the new placement.
- ``bulk_written(unit_ids, person_ids)``: rows of these units and people were written in bulk
  (no model signals were sent); today's headcount summary refreshes them.
"""

from django.dispatch import Signal

leaving_preview = Signal()
person_leaving = Signal()
placement_changing = Signal()
placement_reopening = Signal()
placement_changed = Signal()
bulk_written = Signal()


def collect(signal, **kwargs) -> list:
    """Send ``signal`` and return what its receivers returned, flattened."""
    texts = []
    for _receiver, response in signal.send(sender=None, **kwargs):
        texts.extend(response or [])
    return texts
