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
  (1.68-1.72 over three runs; the target is 2 at most).

What got it there: the exercise figures as aggregates of one grouped join
instead of a subquery per figure; score indexes in the dashboard's order
(progress.models.MeasureScore); named tuples instead of model rows; no DRF
serializer at runtime (progress.serializers.dashboard_data, about 4 ms for
200 rows); ``jit=off`` on PostgreSQL connections (config.settings: JIT added
30-40 ms when the planner's estimate crossed jit_above_cost); and the
caseload filter written as ``id = ANY(ARRAY(SELECT ...))`` (pk_among below).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet


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
