"""When each protocol action is due, in Europe/London, correct across clock changes.

Hours are elapsed time: "within 2 hours" of 00:30 on the night the clocks go forward is 03:30 BST, two real
hours later. Days are calendar days at a wall-clock time: a daily 10:00 meeting is at 10:00 on each day,
whether that day is in GMT or BST.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def due_at(occurred_at: datetime, due_after_hours: int | None, due_after_days: int | None,
           due_time: time | None, repeat_index: int = 0, repeat_every_days: int = 1) -> datetime:
    """The aware due time of the ``repeat_index``-th action of a step for an incident at ``occurred_at``."""
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    if due_after_hours is not None and not due_after_days:
        elapsed = timedelta(hours=due_after_hours) + timedelta(days=repeat_index * repeat_every_days)
        return (occurred_at.astimezone(ZoneInfo("UTC")) + elapsed).astimezone(LONDON)
    local = occurred_at.astimezone(LONDON)
    day = local.date() + timedelta(days=(due_after_days or 0) + repeat_index * repeat_every_days)
    wall = due_time or local.time().replace(tzinfo=None)
    # Building from the wall-clock date and time (not adding 24 h) keeps it at that time across a change;
    # fold=0 takes the first of an ambiguous hour, and zoneinfo moves a non-existent time forward.
    return datetime.combine(day, wall, tzinfo=LONDON)
