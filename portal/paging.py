"""Pages of a staff list without counting the practice: the page's rows and
one more, which says whether there is a next page. The pages show "Page N"
and Previous/Next links that keep the list's filters, never "of M": counting
every appointment or audit row of a large practice cost more than the page
itself (bench/practice_size.py). The query must be ordered by an indexed key
(with a unique last key) so that a page is read off the index.

bench/practice_size.py, median ms small / large (ratio), before -> after
(--runs 9 and 11, 2026-12-06): admin /appointments/ 11,873 / 137,468 (11.58,
timed once) -> 84 / 91 (1.08); /couples/ 3,378 / 7,983 (2.36, once) -> 39 / 39
(1.00); /intake-requests/ 66 / 386 (5.83) -> 25 / 26 (1.02); /schedules/ 64 /
361 (5.66) -> 18 / 22 (1.19); /audit/ 124 / 445 (3.58) -> 32 / 32 (0.98)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import QueryDict

PAGE_SIZE = 50
# Offsets grow with the page number; no one pages this far by hand.
LAST_PAGE = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    has_next: bool
    previous_query: str  # the query string of the previous page, filters kept ("" on the first)
    next_query: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def page_number(query: QueryDict, param: str = "page") -> int:
    """The page asked for: a whole number from 1 to LAST_PAGE, else the first."""
    value = query.get(param, "")
    if not value.isdigit():
        return 1
    return min(max(int(value), 1), LAST_PAGE)


def _query_for(query: QueryDict, param: str, number: int) -> str:
    kept = query.copy()
    kept.pop(param, None)
    if number > 1:
        kept[param] = str(number)
    return kept.urlencode()


def page_of(queryset: QuerySet[Any], query: QueryDict, *, size: int = PAGE_SIZE, param: str = "page") -> Page[Any]:
    """One page of an ordered queryset: one query of size + 1 rows (plus its prefetches)."""
    number = page_number(query, param)
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    has_next = len(rows) > size
    return Page(
        items=rows[:size],
        number=number,
        has_next=has_next,
        previous_query=_query_for(query, param, number - 1) if number > 1 else "",
        next_query=_query_for(query, param, number + 1) if has_next else "",
    )
