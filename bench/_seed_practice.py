"""Set-based seeding of a whole practice for bench/practice_size.py.

Every row is written by ``INSERT ... SELECT`` over ``generate_series`` into
the real tables of a migrated database (their check, unique and exclusion
constraints and foreign keys all apply). What a couple gets depends only on
its number ``n`` and on the anchor (the seeding day), never on the size of
the practice, so counselor 1 (Dana, couples 1 to 40, one of whom is Sam) and
the front-desk admin Alex own the very same rows in a practice of 60
counselors and in one of 600; only the rest of the practice differs.

Ids are computed from the numbers (couple n's assignments, their
occurrences, answers, reminders...), which lets each table be filled by one
statement without looking another's ids up; sequences are moved past them
at the end.

Per couple and year: three weekly or fortnightly assignments (a check-in,
the emotional-intimacy measure, for two couples in five a ritual) with about
a hundred occurrences, each partner's answers by a per-couple diligence, a
score per measure answer, reviews, a comment now and then; a weekly session
at a fixed time of the counselor's week (61 weeks: a year back, eight ahead)
with its participants, history row and audit row; the overdue reminder of
each occurrence and the day-before reminder of each session for each partner,
the in-app notice of each session reminder sent, and the counselor's weekly
digests.
"""

from __future__ import annotations

import json
import time as clock
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SEED_VERSION = 5  # 4: audit rows chained (accounts.audit_chain); 5: answers and comments encrypted
FOCUS_COUPLES = 40  # Dana's caseload: couples 1..40
HISTORY_WEEKS = 52
FUTURE_WEEKS = 8
SESSION_WEEKS = HISTORY_WEEKS + 1 + FUTURE_WEEKS  # week offsets -52..+8

# A deterministic stand-in for random(): the same numbers give the same
# answer in every database and every run.
MIX = (
    "(((({a})::bigint * 2654435761 + ({b})::bigint * 40503 + ({c})::bigint * 9973 + ({d})::bigint * 7919)"
    " %% 1000003) %% 100)::int"
)


def mix(a: str, b: str, c: str = "0", d: str = "0") -> str:
    return MIX.format(a=a, b=b, c=c, d=d)


@dataclass(frozen=True)
class Size:
    name: str
    counselors: int
    couples: int

    @property
    def locations(self) -> int:
        return max(2, self.counselors // 50)


LARGE = Size("large", 600, 15_000)
SMALL = Size("small", 60, 1_500)


def _statements(size: Size, measure: dict[str, Any], templates: dict[str, int]) -> list[tuple[str, str]]:
    """(label, SQL) in order. Parameters: %(anchor)s, %(tz)s."""
    C, N, L = size.counselors, size.couples, size.locations
    items = measure["items"]
    values = {item["key"]: f"(1 + {mix('o.n', 'o.s', 'o.side', str(10 + i))} %% 5)" for i, item in enumerate(items)}
    answers = "jsonb_build_object(" + ", ".join(f"'{k}', {v}" for k, v in values.items()) + ")"
    counted = " + ".join(f"(6 - {values[i['key']]})" if i.get("reversed") else values[i["key"]] for i in items)
    score = f"round(({counted})::numeric / {len(items)}, 2)"
    band = (
        "CASE "
        + " ".join(f"WHEN {score} BETWEEN {b['min']} AND {b['max']} THEN '{b['label']}'" for b in measure["bands"])
        + " ELSE '' END"
    )
    # Couple n's counselor and place in their week (j: 0..39 for Dana, 0..24 for the others).
    counselor_k = f"CASE WHEN n <= {FOCUS_COUPLES} THEN 1 ELSE 2 + (n - {FOCUS_COUPLES + 1}) %% {C - 1} END"
    slot_j = f"CASE WHEN n <= {FOCUS_COUPLES} THEN n - 1 ELSE (n - {FOCUS_COUPLES + 1}) / {C - 1} END"
    week0 = "(date_trunc('week', %(anchor)s AT TIME ZONE %(tz)s))"
    return [
        (
            "scratch tables",
            f"""
            DROP SCHEMA IF EXISTS bench_seed CASCADE;
            CREATE SCHEMA bench_seed;
            CREATE TABLE bench_seed.counselor AS
              SELECT k, 1000 + k AS user_id, 1 + (k - 1) %% {L} AS location_id FROM generate_series(1, {C}) k;
            CREATE TABLE bench_seed.couple AS
              SELECT n, c.k, c.user_id AS counselor_id, c.location_id, {slot_j} AS j,
                     100000 + 2 * n - 1 AS p1, 100000 + 2 * n AS p2,
                     (ARRAY[20, 50, 70, 90, 100])[1 + (n * 7) %% 5] AS diligence
              FROM generate_series(1, {N}) n JOIN bench_seed.counselor c ON c.k = {counselor_k};
            CREATE UNIQUE INDEX ON bench_seed.couple (n);
            """,
        ),
        (
            "users",
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, full_name, role, time_zone, phone,
                                       is_active, is_staff, date_joined)
            SELECT 999, '!', false, 'alex@bench.test', 'Alex Front', 'practice_admin', %(tz)s, '', true, false,
                   %(anchor)s - interval '2 years'
            UNION ALL
            SELECT user_id, '!', false,
                   CASE WHEN k = 1 THEN 'dana@bench.test' ELSE 'counselor' || k || '@bench.test' END,
                   CASE WHEN k = 1 THEN 'Dana Reyes' ELSE 'Counselor ' || to_char(k, 'FM0000') END,
                   'counselor', %(tz)s, '', true, false, %(anchor)s - interval '2 years'
            FROM bench_seed.counselor
            UNION ALL
            SELECT CASE side WHEN 1 THEN p1 ELSE p2 END, '!', false,
                   CASE WHEN n = 1 AND side = 1 THEN 'sam@bench.test'
                        ELSE 'client' || n || '-' || side || '@bench.test' END,
                   CASE WHEN n = 1 AND side = 1 THEN 'Sam Lee'
                        ELSE 'Client ' || to_char(n, 'FM00000') || (CASE side WHEN 1 THEN 'a' ELSE 'b' END) END,
                   'client', %(tz)s, '', true, false, %(anchor)s - interval '13 months'
            FROM bench_seed.couple, generate_series(1, 2) side;
            """,
        ),
        (
            "locations, hours, profiles",
            f"""
            INSERT INTO scheduling_location (id, name, slug, kind, address_line1, address_line2, city, state,
                                             postal_code, phone, time_zone, is_active)
            SELECT l, 'Office ' || l, 'office-' || l, 'in_person', l || ' Main St', '', 'Seattle', 'WA', '98101',
                   '', %(tz)s, true
            FROM generate_series(1, {L}) l;
            INSERT INTO scheduling_openinghours (location_id, weekday, opens, closes)
            SELECT l, d, '07:00', '20:00' FROM generate_series(1, {L}) l, generate_series(0, 4) d;
            INSERT INTO scheduling_counselorprofile (id, slug, credentials, title, bio, sees_online,
                                                     is_accepting_new_clients, on_leave, user_id)
            SELECT k, CASE WHEN k = 1 THEN 'dana-reyes' ELSE 'counselor-' || k END, 'MA, LMHC',
                   'Licensed Mental Health Counselor', '', false, true, false, user_id
            FROM bench_seed.counselor;
            INSERT INTO scheduling_counselorprofile_locations (counselorprofile_id, location_id)
            SELECT k, location_id FROM bench_seed.counselor;
            INSERT INTO scheduling_workinghours (counselor_id, location_id, weekday, start, "end")
            SELECT user_id, location_id, d, '08:00', '18:00' FROM bench_seed.counselor, generate_series(0, 4) d;
            INSERT INTO scheduling_timeoff (counselor_id, starts_on, ends_on, reason, created_at)
            SELECT user_id, ({week0} + make_interval(weeks => w))::date,
                   ({week0} + make_interval(weeks => w, days => 4))::date, '', %(anchor)s
            FROM bench_seed.counselor, (VALUES (-30), (-10), (12)) AS weeks(w);
            """,
        ),
        (
            "measure templates",
            f"""
            INSERT INTO exercises_exercisetemplate (id, title, slug, summary, instructions, estimated_minutes,
                category, fields, completion_mode, visibility, kind, is_builtin, is_archived, created_at,
                updated_at, copied_from_id, owner_id)
            SELECT 1000 + c.k, t.title, t.slug, t.summary, t.instructions, t.estimated_minutes, t.category,
                   t.fields, t.completion_mode, t.visibility, t.kind, false, t.is_archived, %(anchor)s,
                   %(anchor)s, NULL, c.user_id
            FROM bench_seed.counselor c, exercises_exercisetemplate t WHERE t.id = {templates["measure"]};
            INSERT INTO progress_measuretemplate (counselor_id, measure_id, template_id)
            SELECT c.user_id, {measure["id"]}, 1000 + c.k FROM bench_seed.counselor c;
            """,
        ),
        (
            "couples",
            f"""
            INSERT INTO accounts_couple (id, status, started_on, time_zone, created_at, partner_one_id,
                                         partner_two_id, primary_counselor_id)
            SELECT n, CASE WHEN n %% 10 = 9 THEN 'paused' ELSE 'active' END,
                   (%(anchor)s - interval '13 months')::date, %(tz)s, %(anchor)s - interval '13 months',
                   p1, p2, counselor_id
            FROM bench_seed.couple;
            INSERT INTO accounts_couple_other_counselors (couple_id, user_id)
            SELECT n, 1000 + 2 + (n - {FOCUS_COUPLES}) %% {C - 1}
            FROM bench_seed.couple WHERE n > {FOCUS_COUPLES} AND n %% 7 = 0;
            INSERT INTO accounts_invitation (id, key, created_at, last_sent_at, send_count, accepted_at,
                                             couple_id, invited_by_id, user_id)
            SELECT 2 * n + side, md5('invitation' || n || ':' || side), %(anchor)s - interval '13 months',
                   %(anchor)s - interval '13 months', 1, %(anchor)s - interval '13 months' + interval '1 day',
                   n, counselor_id, CASE side WHEN 0 THEN p1 ELSE p2 END
            FROM bench_seed.couple, generate_series(0, 1) side;
            INSERT INTO exercises_coupleexercisesettings (couple_id, high_conflict, updated_at, updated_by_id)
            SELECT n, true, %(anchor)s - interval '6 months', counselor_id FROM bench_seed.couple WHERE n %% 10 = 3;
            """,
        ),
        (
            "assignments",
            f"""
            INSERT INTO exercises_assignment (id, note, fields, completion_mode, visibility, starts_on, due_at,
                rrule, due_time, status, ended_at, generate_from, created_at, updated_at, assigned_by_id,
                couple_id, template_id)
            SELECT (n - 1) * 3 + slot + 1, '', t.fields, t.completion_mode, t.visibility,
                   (%(anchor)s - interval '364 days')::date, NULL,
                   CASE slot WHEN 1 THEN 'FREQ=WEEKLY;INTERVAL=2' ELSE 'FREQ=WEEKLY' END, '19:00', 'active',
                   NULL, %(anchor)s - interval '364 days', %(anchor)s - interval '364 days',
                   %(anchor)s - interval '364 days', c.counselor_id, n, t.id
            FROM bench_seed.couple c CROSS JOIN generate_series(0, 2) slot
            JOIN exercises_exercisetemplate t ON t.id = CASE slot WHEN 0 THEN {templates["check_in"]}
                 WHEN 1 THEN 1000 + c.k ELSE {templates["ritual"]} END
            WHERE slot < 2 OR n %% 5 < 2;
            """,
        ),
        (
            "occurrences (scratch)",
            f"""
            CREATE TABLE bench_seed.occ AS
            SELECT o.*, o.due_at < %(anchor)s AND {mix("o.n", "o.slot", "o.s", "1")} < o.diligence AS done1,
                   o.due_at < %(anchor)s AND {mix("o.n", "o.slot", "o.s", "2")} < o.diligence AS done2,
                   o.due_at - make_interval(hours => 1 + {mix("o.n", "o.s", "o.slot", "31")} %% 48) AS at1,
                   o.due_at - make_interval(hours => 1 + {mix("o.n", "o.s", "o.slot", "37")} %% 48) AS at2
            FROM (
              SELECT c.n, c.k, c.counselor_id, c.p1, c.p2, c.diligence, slot, s,
                     ((c.n - 1) * 3 + slot) * 60 + s AS id, (c.n - 1) * 3 + slot + 1 AS assignment_id,
                     %(anchor)s - interval '364 days' + interval '19 hours' + make_interval(days => c.n %% 7)
                       + make_interval(days => (s - 1) * CASE slot WHEN 1 THEN 14 ELSE 7 END) AS due_at
              FROM bench_seed.couple c CROSS JOIN generate_series(0, 2) slot CROSS JOIN generate_series(1, 55) s
              WHERE (slot < 2 OR c.n %% 5 < 2) AND (slot <> 1 OR s <= 28)
            ) o
            WHERE o.due_at <= %(anchor)s + interval '14 days';
            INSERT INTO exercises_occurrence (id, sequence, due_at, completed_at, created_at, assignment_id)
            SELECT id, s, due_at, CASE WHEN done1 AND done2 THEN greatest(at1, at2) END,
                   due_at - interval '14 days', assignment_id
            FROM bench_seed.occ ORDER BY id;
            """,
        ),
        (
            "responses",
            f"""
            INSERT INTO exercises_response (id, state, answers, version, submitted_at, reviewed_at, created_at,
                updated_at, author_id, last_edited_by_id, occurrence_id, reviewed_by_id)
            SELECT o.id * 2 + o.side, 'submitted',
                   CASE o.slot
                     WHEN 0 THEN jsonb_build_object('high', 'A walk on Sunday', 'low', 'A rushed Tuesday',
                                 'appreciation', 'Dinner was made', 'request', 'More time together')
                     WHEN 1 THEN {answers}
                     ELSE jsonb_build_object('ritual', 'morning_coffee', 'our_own', '',
                                 'happened', o.s %% 4 <> 0, 'minutes', 20, 'closeness', 4, 'note', '') END,
                   1, o.at,
                   CASE WHEN o.reviewed THEN o.at + interval '12 hours' END, o.at - interval '1 hour', o.at,
                   o.author, o.author, o.id, CASE WHEN o.reviewed THEN o.counselor_id END
            FROM (
              SELECT occ.*, side, CASE side WHEN 1 THEN p1 ELSE p2 END AS author,
                     CASE side WHEN 1 THEN at1 ELSE at2 END AS at,
                     {mix("occ.n", "occ.s", "side", "77")} < 60
                       AND CASE side WHEN 1 THEN at1 ELSE at2 END < %(anchor)s - interval '1 day' AS reviewed
              FROM bench_seed.occ occ CROSS JOIN generate_series(1, 2) side
              WHERE CASE side WHEN 1 THEN done1 ELSE done2 END
            ) o ORDER BY 1;
            """,
        ),
        (
            "scores, comments",
            f"""
            INSERT INTO progress_measurescore (id, score, band, submitted_at, couple_id, measure_id, partner_id,
                                               response_id)
            SELECT o.id * 2 + o.side, {score}, {band}, CASE o.side WHEN 1 THEN o.at1 ELSE o.at2 END, o.n,
                   {measure["id"]}, CASE o.side WHEN 1 THEN o.p1 ELSE o.p2 END, o.id * 2 + o.side
            FROM (SELECT occ.*, side FROM bench_seed.occ occ CROSS JOIN generate_series(1, 2) side
                  WHERE occ.slot = 1 AND CASE side WHEN 1 THEN done1 ELSE done2 END) o ORDER BY 1;
            INSERT INTO exercises_comment (id, body, created_at, author_id, occurrence_id, response_id)
            SELECT id, 'Good to read; let us talk about it on Thursday.', due_at + interval '1 day', counselor_id,
                   id, NULL
            FROM bench_seed.occ WHERE slot = 0 AND s %% 8 = 0 AND due_at < %(anchor)s - interval '1 day';
            """,
        ),
        (
            "appointments",
            f"""
            CREATE TABLE bench_seed.appt AS
            SELECT a.*, CASE
                     WHEN a.start >= %(anchor)s THEN 'confirmed'
                     WHEN (a.n + a.w) %% 13 = 0 THEN 'cancelled'
                     WHEN (a.n + a.w) %% 29 = 0 THEN 'no_show'
                     ELSE 'completed' END AS status
            FROM (
              SELECT c.n, c.counselor_id, c.location_id, c.p1, c.p2, w, (c.n - 1) * {SESSION_WEEKS} + w + 53 AS id,
                     ({week0} + make_interval(weeks => w, days => c.j %% 5, hours => 8 + c.j / 5))
                       AT TIME ZONE %(tz)s AS start
              FROM bench_seed.couple c CROSS JOIN generate_series({-HISTORY_WEEKS}, {FUTURE_WEEKS}) w
            ) a;
            INSERT INTO scheduling_appointment (id, intake_names, intake_email, intake_phone, start, "end", kind,
                status, cancelled_at, cancellation_reason, late_cancellation, telehealth_url, staff_note,
                hours_override_reason, sequence, created_at, updated_at, cancelled_by_id, counselor_id, couple_id,
                created_by_id, hours_override_by_id, individual_client_id, location_id, series_id,
                intake_request_id, client_confirmed_at)
            SELECT id, '', '', '', start, start + interval '50 minutes', 'couple_session', status,
                   CASE WHEN status = 'cancelled' THEN start - interval '2 days' END, '', false, '', '', '', 0,
                   start - interval '4 weeks', start - interval '4 weeks',
                   CASE WHEN status = 'cancelled' THEN counselor_id END, counselor_id, n, counselor_id, NULL, NULL,
                   location_id, NULL, NULL, NULL
            FROM bench_seed.appt ORDER BY id;
            INSERT INTO scheduling_appointmentparticipant (id, start, "end", is_blocking, appointment_id, user_id)
            SELECT a.id * 2 + side, a.start, a.start + interval '50 minutes',
                   a.status IN ('requested', 'confirmed'), a.id, CASE side WHEN 0 THEN a.p1 ELSE a.p2 END
            FROM bench_seed.appt a CROSS JOIN generate_series(0, 1) side ORDER BY 1;
            INSERT INTO scheduling_appointmentchange (id, at, action, from_status, to_status, reason,
                                                      actor_id, appointment_id)
            SELECT id, start - interval '4 weeks', 'booked', '', 'confirmed', '', counselor_id, id
            FROM bench_seed.appt ORDER BY id;
            """,
        ),
        (
            "intake requests",
            """
            INSERT INTO scheduling_intakerequest (prefers_online, preferred_times, names, email, phone, note,
                status, created_at, counselor_id, preferred_location_id, specialty_id, handled_by_id, couple_id)
            SELECT false, 'Evenings', 'Prospect ' || c.k || '-' || i, 'prospect' || c.k || '-' || i || '@bench.test',
                   '', '', CASE WHEN i = 1 THEN 'new' WHEN i %% 3 = 0 THEN 'converted' ELSE 'closed' END,
                   %(anchor)s - make_interval(days => i * 30), c.user_id, c.location_id, NULL,
                   CASE WHEN i > 1 THEN 999 END, NULL
            FROM bench_seed.counselor c CROSS JOIN generate_series(1, 12) i ORDER BY c.k, i;
            """,
        ),
        (
            "reminders",
            f"""
            INSERT INTO notifications_reminder (id, kind, object_key, due_at, expires_at, state, attempts,
                last_error, lease_owner, lease_expires_at, emailed, sent_at, created_at, updated_at,
                occurrence_id, recipient_id, appointment_id)
            SELECT o.id * 2 + side, 'exercise_overdue', 'occurrence:' || o.id, o.due_at + interval '24 hours', NULL,
                   CASE WHEN CASE side WHEN 1 THEN o.done1 ELSE o.done2 END THEN 'cancelled'
                        WHEN o.due_at + interval '24 hours' < %(anchor)s THEN 'sent' ELSE 'pending' END,
                   0, '', '', NULL, true,
                   CASE WHEN NOT CASE side WHEN 1 THEN o.done1 ELSE o.done2 END
                         AND o.due_at + interval '24 hours' < %(anchor)s THEN o.due_at + interval '24 hours' END,
                   o.due_at - interval '14 days', o.due_at - interval '14 days', o.id,
                   CASE side WHEN 1 THEN o.p1 ELSE o.p2 END, NULL
            FROM bench_seed.occ o CROSS JOIN generate_series(1, 2) side ORDER BY 1;
            INSERT INTO notifications_reminder (id, kind, object_key, due_at, expires_at, state, attempts,
                last_error, lease_owner, lease_expires_at, emailed, sent_at, created_at, updated_at,
                occurrence_id, recipient_id, appointment_id)
            SELECT 10000000 + a.id * 2 + side, 'appointment_reminder', 'appointment:' || a.id || ':24h',
                   a.start - interval '24 hours', a.start,
                   CASE WHEN a.status = 'cancelled' THEN 'cancelled'
                        WHEN a.start - interval '24 hours' < %(anchor)s THEN 'sent' ELSE 'pending' END,
                   0, '', '', NULL, true,
                   CASE WHEN a.status <> 'cancelled' AND a.start - interval '24 hours' < %(anchor)s
                        THEN a.start - interval '24 hours' END,
                   a.start - interval '4 weeks', a.start - interval '4 weeks', NULL,
                   CASE side WHEN 0 THEN a.p1 ELSE a.p2 END, a.id
            FROM bench_seed.appt a CROSS JOIN generate_series(0, 1) side ORDER BY 1;
            INSERT INTO notifications_reminder (id, kind, object_key, due_at, expires_at, state, attempts,
                last_error, lease_owner, lease_expires_at, emailed, sent_at, created_at, updated_at,
                occurrence_id, recipient_id, appointment_id)
            SELECT 20000000 + c.k * 100 + w + 53, 'weekly_digest',
                   'week:' || to_char({week0} + make_interval(weeks => w), 'IYYY-"W"IW'),
                   ({week0} + make_interval(weeks => w, hours => 7)) AT TIME ZONE %(tz)s, NULL, 'sent', 0, '',
                   '', NULL, true, ({week0} + make_interval(weeks => w, hours => 7)) AT TIME ZONE %(tz)s,
                   %(anchor)s - interval '1 year', %(anchor)s - interval '1 year', NULL, c.user_id, NULL
            FROM bench_seed.counselor c CROSS JOIN generate_series({-HISTORY_WEEKS}, 0) w
            WHERE ({week0} + make_interval(weeks => w, hours => 7)) AT TIME ZONE %(tz)s < %(anchor)s ORDER BY 1;
            """,
        ),
        (
            "in-app notifications",
            """
            INSERT INTO notifications_inappnotification (id, kind, text, url, created_at, read_at, user_id,
                                                         reminder_id)
            SELECT r.id, r.kind,
                   CASE r.kind WHEN 'weekly_digest' THEN 'Your weekly digest is ready.'
                        ELSE 'Reminder: you have an appointment tomorrow.' END,
                   CASE r.kind WHEN 'weekly_digest' THEN '/dashboard/'
                        ELSE '/appointments/' || r.appointment_id || '/' END,
                   r.sent_at,
                   CASE WHEN r.sent_at < %(anchor)s - interval '14 days' THEN r.sent_at + interval '2 hours' END,
                   r.recipient_id, r.id
            FROM notifications_reminder r
            WHERE r.state = 'sent' AND r.kind IN ('appointment_reminder', 'weekly_digest') ORDER BY r.id;
            """,
        ),
        (
            "audit events",
            """
            CREATE TABLE bench_seed.audit AS
            SELECT row_number() OVER (ORDER BY created_at, action, target_id) AS n,
                   action, target_type, target_id, details, created_at, actor_id FROM (
              SELECT 'appointment.booked' AS action, 'scheduling.appointment' AS target_type, a.id::text AS target_id,
                     jsonb_build_object('couple', a.n) AS details, a.start - interval '4 weeks' AS created_at,
                     a.counselor_id AS actor_id
              FROM bench_seed.appt a
              UNION ALL
              SELECT 'response.viewed', 'exercises.response', r.id::text,
                     jsonb_build_object('occurrence', r.occurrence_id, 'version', 1), r.reviewed_at, r.reviewed_by_id
              FROM exercises_response r WHERE r.reviewed_at IS NOT NULL AND r.id %% 3 = 0
            ) e;
            ALTER TABLE bench_seed.audit ADD PRIMARY KEY (n);
            """,
        ),
        (
            "scratch dropped",
            """
            DROP TABLE bench_seed.occ, bench_seed.appt;
            """,
        ),
    ]


SEQUENCED_TABLES = [
    "accounts_user",
    "accounts_couple",
    "accounts_invitation",
    "accounts_auditevent",
    "accounts_couple_other_counselors",
    "scheduling_location",
    "scheduling_openinghours",
    "scheduling_counselorprofile",
    "scheduling_counselorprofile_locations",
    "scheduling_workinghours",
    "scheduling_timeoff",
    "scheduling_appointment",
    "scheduling_appointmentparticipant",
    "scheduling_appointmentchange",
    "scheduling_intakerequest",
    "exercises_exercisetemplate",
    "exercises_assignment",
    "exercises_occurrence",
    "exercises_response",
    "exercises_comment",
    "progress_measuretemplate",
    "progress_measurescore",
    "notifications_reminder",
    "notifications_inappnotification",
]


def seed(cursor: Any, size: Size, *, anchor: datetime, tz: str) -> dict[str, float]:
    """Fill the migrated, empty practice; returns seconds per step.

    The small practice is written with every foreign key checked (49 s here);
    the large one, by the same statements, with the foreign-key triggers off
    for this session (session_replication_role): 275 s for ten times the rows.
    Check, unique and exclusion constraints are checked for both."""
    cursor.execute("SELECT count(*) FROM accounts_user")
    if cursor.fetchone()[0]:
        raise SystemExit("seed a freshly migrated database (accounts_user is not empty)")
    cursor.execute("SELECT id, items, bands FROM progress_measure WHERE slug = 'emotional-intimacy-check'")
    measure_id, items, bands = cursor.fetchone()
    # Django's cursor hands jsonb over as text (its JSONField decodes it).
    measure = {"id": measure_id, "items": json.loads(items), "bands": json.loads(bands)}
    cursor.execute(
        "SELECT slug, id FROM exercises_exercisetemplate WHERE owner_id IS NULL AND slug IN "
        "('weekly-check-in', 'rituals-of-connection')"
    )
    builtins = dict(cursor.fetchall())
    templates = {"check_in": builtins["weekly-check-in"], "ritual": builtins["rituals-of-connection"]}
    # The counselor's backing template of the measure, as progress.services.measure_template makes it.
    templates["measure"] = _measure_prototype(measure_id)
    timings: dict[str, float] = {}
    if size.couples > SMALL.couples:
        cursor.execute("SET session_replication_role = replica")
    for label, sql in _statements(size, measure, templates):
        started = clock.perf_counter()
        cursor.execute(sql, {"anchor": anchor, "tz": tz})
        timings[label] = clock.perf_counter() - started
        print(f"  {size.name}: {label} {timings[label]:.1f}s", flush=True)
    started = clock.perf_counter()
    _chain_audit_events(cursor)
    timings["audit chain"] = clock.perf_counter() - started
    print(f"  {size.name}: audit chain {timings['audit chain']:.1f}s", flush=True)
    started = clock.perf_counter()
    _encrypt_content(cursor)
    timings["encryption"] = clock.perf_counter() - started
    print(f"  {size.name}: encryption {timings['encryption']:.1f}s", flush=True)
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute(f"DELETE FROM exercises_exercisetemplate WHERE id = {templates['measure']}")
    for table in SEQUENCED_TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    return timings


def _chain_audit_events(cursor: Any, batch: int = 20_000) -> None:
    """The audit rows of bench_seed.audit appended to the audit trail's hash
    chain in their order (accounts.audit_chain: the hash of each row is
    computed here, a batch at a time, and the batch inserted by one
    statement), then the scratch table dropped."""
    from accounts.audit_chain import chain_head, row_hash

    sequence, prev_hash = chain_head("default")
    after = 0
    while True:
        cursor.execute(
            "SELECT n, actor_id, action, target_type, target_id, details, created_at FROM bench_seed.audit"
            " WHERE n > %s ORDER BY n LIMIT %s",
            [after, batch],
        )
        rows = cursor.fetchall()
        if not rows:
            break
        numbers, hashes = [], []
        for n, actor_id, action, target_type, target_id, details, created_at in rows:
            sequence += 1
            prev_hash = row_hash(
                prev_hash=prev_hash,
                sequence=sequence,
                actor_id=actor_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                details=json.loads(details),  # jsonb comes as text through Django's cursor
                created_at=created_at,
            )
            numbers.append(n)
            hashes.append(prev_hash)
        cursor.execute(
            "INSERT INTO accounts_auditevent (action, target_type, target_id, details, created_at, actor_id,"
            " sequence, row_hash)"
            " SELECT a.action, a.target_type, a.target_id, a.details, a.created_at, a.actor_id,"
            " a.n + %s, h.row_hash FROM bench_seed.audit a"
            " JOIN unnest(%s::bigint[], %s::text[]) AS h(n, row_hash) USING (n) ORDER BY a.n",
            [sequence - rows[-1][0], numbers, hashes],
        )
        after = rows[-1][0]
    cursor.execute("DROP TABLE bench_seed.audit")


def _encrypt_content(cursor: Any, batch: int = 20_000) -> None:
    """The answers and comments written above as text encrypted as the
    portal stores them (portal.crypto, docs/encryption.md): a batch read,
    encrypted here, and written back by one statement."""
    from portal import crypto

    for table, column in (("exercises_response", "answers"), ("exercises_comment", "body")):
        after = 0
        while True:
            cursor.execute(
                f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [after, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.execute(
                f"UPDATE {table} t SET {column} = v.value"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(id, value) WHERE t.id = v.id",
                [[row[0] for row in rows], [crypto.encrypt(row[1]) for row in rows]],
            )
            after = rows[-1][0]


def _measure_prototype(measure_id: int) -> int:
    """A throw-away template made by the real service (so its fields are what
    a counselor's would be); its rows are copied per counselor, then it goes."""
    from accounts.models import Role, User
    from progress import services
    from progress.models import Measure, MeasureTemplate

    owner = User.objects.create(email="prototype@bench.test", full_name="Prototype", role=Role.COUNSELOR)
    template = services.measure_template(measure=Measure.objects.get(pk=measure_id), counselor=owner)
    MeasureTemplate.objects.filter(counselor=owner).delete()
    template.owner = None  # the template row is deleted after the copy
    template.is_builtin = True
    template.slug = "bench-prototype"
    template.save(update_fields=["owner", "is_builtin", "slug"])
    # Its audit row keeps it (a user with audit rows is never deleted): deactivated.
    User.objects.filter(pk=owner.pk).update(is_active=False)
    return template.pk
