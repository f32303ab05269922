"""Calendar arithmetic of the retention period (whole years, as the law counts them)."""

from __future__ import annotations

from datetime import datetime


def years_before(moment: datetime, years: int) -> datetime:
    """The same day and time ``years`` earlier (29 February: the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def years_after(moment: datetime, years: int) -> datetime:
    """The same day and time ``years`` later (29 February: the 28th)."""
    return years_before(moment, -years)
