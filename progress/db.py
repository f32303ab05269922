"""SQL-level tricks of the progress queries: how a query is written for
PostgreSQL's planner, not what it means. Each trick below is here because it
was measured; the business rules (whose couples, which figures) stay with the
selectors that state them.

The caseload dashboard (progress.selectors.dashboard) is one SQL statement
whose rows are built from tuples. Measured with ``bench/dashboard.py`` (a
counselor with 200 couples of 12 weeks' history; the floor is one
hand-written SQL statement giving the same figures, timed in turns with the
API):

- before the tuning: median 76.5 ms against a 17.0 ms floor, ratio 4.5;
- after it: 14.0 ms against 8.3 ms, ratio 1.69 (1.69-1.88 over 9 runs);
- on the latest (twice slower) machine: 26.2 ms against 15.5 ms, ratio 1.68
  (1.68-1.72 over three runs; the target is 2 at most);
- after the safety flag, attendance confirmations and unread messages joined
  the statement: 41.8 ms against 16.9 ms, ratio 2.48; then, with the
  statement compiled once per process (precompiled_rows below) and the
  unread count kept out of the GROUP BY: 24.9 ms against 15.9 ms, ratio
  1.47-1.58 over three runs (Dec 6).

What got it there: the exercise figures as aggregates of one grouped join
instead of a subquery per figure; score indexes in the dashboard's order
(progress.models.MeasureScore); named tuples instead of model rows; no DRF
serializer at runtime (progress.serializers.dashboard_data, about 4 ms for
200 rows); ``jit=off`` on PostgreSQL connections (config.settings: JIT added
30-40 ms when the planner's estimate crossed jit_above_cost); and the
caseload filter written as ``id = ANY(ARRAY(SELECT ...))`` (pk_among below).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, connections
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.utils import create_namedtuple_class


class AnyOf(Func):
    """``value = ANY(array)``, in PostgreSQL."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def pk_among(ids: QuerySet[Any, Any]) -> Q:
    """``pk IN (ids)``, for a subquery that yields a handful of ids.

    In PostgreSQL it is written ``id = ANY(ARRAY(SELECT ...))``: the planner
    then expects a handful of them. Under an OR, ``id IN (SELECT ...)`` is
    guessed to match half of all rows, and for a practice with many
    counselors the dashboard's joins then scanned whole tables and crossed
    the JIT threshold (78 ms instead of 10 ms for 200 couples among 6,200).
    Other databases get the plain ``IN``."""
    if connection.vendor == "postgresql":
        return Q(AnyOf(F("pk"), ArraySubquery(ids)))
    return Q(pk__in=ids)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index in the values)
    row_class: type
    converters: dict[int, tuple[list[Any], Any]]


_compiled: dict[Hashable, _Compiled] = {}
_compiling = threading.Lock()


def precompiled_rows(
    key: Hashable,
    *,
    build: Callable[[Sequence[Any]], QuerySet[Any, Any]],
    samples: Sequence[Any],
    values: Sequence[Any],
) -> list[Any]:
    """The named tuples of ``build(values)`` (a ``values_list(named=True)``
    queryset), with its SQL compiled once per ``key`` and process.

    Measured on the dashboard (bench/dashboard.py, 200 couples): Django took
    about 10 ms per call to build and compile the statement's dozen
    subqueries, as long as PostgreSQL took to run it. Here the statement is
    built once from ``samples`` (values no real query uses, one per value,
    each a distinct int or datetime), and each call puts its ``values`` at the
    parameters where the samples were. So ``build`` must give the same SQL
    whatever the values, and use each value as a parameter as it is (no
    LIKE pattern made of it). PostgreSQL only: its backend passes ints and
    datetimes to the driver unchanged; other databases run ``build(values)``.
    """
    if connection.vendor != "postgresql":
        return list(build(values))
    compiled = _compiled.get(key)
    if compiled is None:
        with _compiling:
            compiled = _compiled.get(key) or _compile(build(samples), samples)
            _compiled[key] = compiled
    params = list(compiled.params)
    for position, index in compiled.slots:
        params[position] = values[index]
    db = connections["default"]
    with db.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    new = tuple.__new__
    if not compiled.converters:
        return [new(compiled.row_class, row) for row in rows]
    converted: list[Any] = []
    for row in rows:
        cells = list(row)
        for position, (converters, expression) in compiled.converters.items():
            for convert in converters:
                cells[position] = convert(cells[position], expression, db)
        converted.append(new(compiled.row_class, cells))
    return converted


def _compile(queryset: QuerySet[Any, Any], samples: Sequence[Any]) -> _Compiled:
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    slots = []
    for position, param in enumerate(params):
        matches = [i for i, sample in enumerate(samples) if type(param) is type(sample) and param == sample]
        if len(matches) > 1:
            raise ValueError(f"samples {matches} are equal: each must be distinct")
        if matches:
            slots.append((position, matches[0]))
    missing = set(range(len(samples))) - {index for _, index in slots}
    if missing:
        raise ValueError(f"samples {sorted(missing)} are not parameters of the statement as they are")
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    names: tuple[str, ...] = queryset._fields  # type: ignore[attr-defined]  # set by values_list(), in column order
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        row_class=create_namedtuple_class(*names),
        converters=compiler.get_converters(fields),
    )
