"""Benchmark: posting a message, and a conversation's page of a thread with 1,000 messages, against floors.

Not part of the test suite. Run from the project root:

    .venv/bin/python bench/messaging.py [--runs 30] [--keep]

It needs PostgreSQL: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench_msg) names a database of its
own, which is dropped and created afresh, migrated, filled, measured and
dropped again (--keep leaves it). DEBUG is off (no query log, cached
templates), the cache is in-process; nothing is sent to Celery.

The rows: Dana (a counselor with TOTP on, as the portal requires of staff),
Sam and Riley (her couple), a joint conversation of 1,000 messages over 60
days (one in ten with a picture's row, Markdown text of about 300
characters), and a second joint conversation that the posts go to.

- post_message: services.message_post, Sam and Dana in turns, in the second
  conversation: the lock on the thread, the checks, the row, the thread's
  time, the audit row and the message_posted signal with whatever receivers
  are connected (the notices of messaging/receivers.py: an in-app notice and
  a pending e-mail for each reader but the author, the author's own pending
  e-mail cancelled). Floor: one bare INSERT of a message row (raw SQL,
  autocommit), in the same conversation.
- thread_page: GET /messages/<id>/ of the 1,000-message conversation through
  Django's test Client logged in as Dana (force_login): the session and 2FA
  check, the thread in her scope, a page of 50 messages with authors and
  attachments, the audit row of her read, her read state, who has read what,
  50 messages' Markdown rendered, the template. Floor: the bare SELECT of one
  page of message rows (raw SQL, the same ORDER BY and LIMIT 51).

Each figure is timed in turns with its floor (one of each, again and again),
so a burst of load on the shared machine weighs on both; medians of --runs
after warm-up runs. Lines: ``post_message median=<ms> ms floor=<ms> ms
ratio=<r> target=3``, the same for thread_page and thread_load (the page's
reads alone), and last two lines ``ratio=<post_message ratio> target=3`` and
``ratio=<thread_page ratio> target=3``. Exits 0 whether or not the
targets are met.

The thread_page_parts line says where the time goes: finding the thread in
the viewer's scope (selectors.thread_for), the page of messages, the 50
messages' Markdown alone, and the messages' part of the page rendered.

First run (2-core development machine, shared): post_message 12.8 ms (11
queries) against 0.49 ms, ratio 26.2; thread_page 86.4 ms (15 queries)
against 1.03 ms, ratio 83.8; parts: thread_for 8.8 ms (about 5 ms of it
Django compiling the query, 2.9 ms PostgreSQL planning it), messages_page
6.5 ms, Markdown of 50 messages 27.8 ms, the messages rendered 43.6 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import measured_in_own_database  # noqa: E402
from bench._pages import setup_django, timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_msg"
POST_TARGET = 3
PAGE_TARGET = 3
MESSAGES = 1000
PAGE = 50
BODY = (
    "Thank you for writing. **This week** we tried the listening exercise twice: once after dinner, "
    "once on Sunday.\n\n- It went better when we set a timer\n- We both wrote one thing down\n\n"
    "Could we talk on Thursday about what happens when one of us gets home late? "
)


def fill() -> tuple[Any, Any, Any, Any]:
    """Dana, Sam and Riley; the 1,000-message conversation and the one posted to."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Couple, Role, User
    from exercises.markdown import render_markdown
    from messaging import services
    from messaging.models import Attachment, Message, Thread, ThreadKind, ThreadReadState

    dana = User.objects.create_user("dana@bench.test", full_name="Dana Reyes", role=Role.COUNSELOR)
    TOTP.activate(dana, generate_totp_secret())
    sam = User.objects.create_user("sam@bench.test", full_name="Sam Lee", role=Role.CLIENT)
    riley = User.objects.create_user("riley@bench.test", full_name="Riley Lee", role=Role.CLIENT)
    couple = Couple.objects.create(partner_one=sam, partner_two=riley, primary_counselor=dana)

    long = services.thread_start(
        actor=dana, couple=couple, kind=ThreadKind.JOINT, subject="Between sessions", body="How was the week?"
    )
    start = timezone.now() - timedelta(days=60)
    step = timedelta(days=60) / MESSAGES
    authors = (sam, riley, dana)
    made = Message.objects.bulk_create(
        Message(
            thread=long,
            author=authors[n % 3],
            body=f"{BODY}({n})",
            body_html=str(render_markdown(f"{BODY}({n})")),  # what save() keeps (bulk_create skips it)
            created_at=start + step * n,
        )
        for n in range(MESSAGES - 1)
    )
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            file=f"messages/bench/{message.pk}",
            original_name="photo.png",
            content_type="image/png",
            size=40_000,
            sha256="0" * 64,
            created_at=message.created_at,
        )
        for message in made[::10]
    )
    Thread.objects.filter(pk=long.pk).update(last_message_at=made[-1].created_at)
    ThreadReadState.objects.bulk_create(
        ThreadReadState(thread=long, user=who, last_read_at=made[-10].created_at) for who in (sam, riley)
    )
    posted_to = services.thread_start(
        actor=dana, couple=couple, kind=ThreadKind.JOINT, subject="Thursday", body="Shall we meet on Thursday?"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    long.refresh_from_db()
    return dana, sam, long, posted_to


def queries(function: Callable[[], object]) -> int:
    """How many SQL statements one call runs (counted at the cursor: a request resets Django's query log)."""
    from django.db import connection

    count = [0]

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        function()
    return count[0]


def line(name: str, figure: float, floor: float, target: float, extra: str = "") -> float:
    ratio = figure / floor
    print(f"{name} median={figure:.2f} ms floor={floor:.2f} ms ratio={ratio:.2f} target={target}{extra}")
    return ratio


def measure(runs: int) -> tuple[float, float]:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client

    from exercises.markdown import render_markdown
    from messaging import selectors, services, views

    dana, sam, long, posted_to = fill()
    writers = [sam, dana]
    turn = [0]

    def post() -> None:
        turn[0] += 1
        services.message_post(actor=writers[turn[0] % 2], thread=posted_to, body=f"{BODY}[{turn[0]}]")

    rendered = str(render_markdown(BODY))

    def insert_floor() -> None:
        turn[0] += 1
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO messaging_message (thread_id, author_id, body, body_html, created_at)"
                " VALUES (%s, %s, %s, %s, now())",
                [posted_to.pk, writers[turn[0] % 2].pk, f"{BODY}[{turn[0]}]", rendered],
            )

    post_queries = queries(post)
    post_ms, insert_ms = timed([post, insert_floor], runs)
    post_ratio = line("post_message", post_ms, insert_ms, POST_TARGET, f" queries={post_queries}")

    client = Client()
    client.force_login(dana, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/messages/{long.pk}/"

    def page() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    def select_floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, thread_id, author_id, body, created_at, edited_at, deleted_at FROM messaging_message"
                " WHERE thread_id = %s ORDER BY created_at DESC, id DESC LIMIT %s",
                [long.pk, PAGE + 1],
            )
            cursor.fetchall()

    page_queries = queries(page)
    shown = client.get(url).content.decode().count('class="message-item')
    page_ms, select_ms = timed([page, select_floor], runs)
    page_ratio = line("thread_page", page_ms, select_ms, PAGE_TARGET, f" queries={page_queries} messages_shown={shown}")

    # Loading the thread: what the page reads from the database (the thread in
    # Dana's scope, a page of 50 messages with authors and attachments, who has
    # read what), without the request, the writes of her read and the HTML.
    def load() -> None:
        thread = selectors.thread_for(dana, long.pk, with_counts=False)
        selectors.messages_page(thread)
        selectors.read_states(thread)

    load_queries = queries(load)
    load_ms, select_ms = timed([load, select_floor], runs)
    line("thread_load", load_ms, select_ms, POST_TARGET, f" queries={load_queries}")

    # Where the page's time goes: finding the thread in Dana's scope, the page
    # of messages (with attachments), the 50 messages' Markdown, the template.
    thread = selectors.thread_for(dana, long.pk, with_counts=False)
    rows = selectors.messages_page(thread).messages
    bodies = [message.shown_body for message in rows]

    def markdown() -> None:
        for body in bodies:
            render_markdown(body)

    def template() -> None:
        shown = views._shown(dana, thread, list(rows))
        render_to_string(
            "messaging/_messages.html", {"thread_messages": shown, "thread": thread, "editable": set(), "user": dana}
        )

    parts = timed(
        [
            lambda: selectors.thread_for(dana, long.pk, with_counts=False),
            lambda: selectors.messages_page(thread),
            markdown,
            template,
        ],
        runs,
    )
    print(
        "thread_page_parts thread_for={:.2f} ms messages_page={:.2f} ms markdown_50={:.2f} ms"
        " read_states+markdown+messages_template={:.2f} ms".format(*parts)
    )
    return post_ratio, page_ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="leave the bench database in place")
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    page_ratio = [float("nan")]
    with tempfile.TemporaryDirectory(prefix="bench-media-") as media_root:

        def run() -> float:
            setup_django(url, media_root=media_root)
            post, page_ratio[0] = measure(max(1, options.runs))
            return post

        ratio = measured_in_own_database(url, run, keep=options.keep)
    print(f"ratio={ratio:.2f} target={POST_TARGET}")
    print(f"ratio={page_ratio[0]:.2f} target={PAGE_TARGET}")
    sys.exit(0)


if __name__ == "__main__":
    main()
