"""/audit/ read by a person: each row a sentence (who did what to which
record), filters by couple and days, and a CSV export of the filtered rows.
Alex (practice admin) reads it; Dana counsels Sam & Riley."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditAction, AuditEvent
from accounts.services import audit_record
from exercises import services
from exercises.audit import safe_cell
from scheduling.models import Appointment
from tests.factories import LocationFactory

SECRET = "the lake house in August"
ANSWERS = {"i_feel": "hopeful", "when": SECRET, "because": "it was ours", "would_like": "go back"}


@pytest.fixture
def answered(builtin, assign, occurrence_of, partner):
    """Sam's answer to I-statements."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    return services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)


@pytest.fixture
def appointment(counselor, couple):
    start = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    return Appointment.objects.create(
        counselor=counselor, couple=couple, location=LocationFactory(), start=start, end=start + timedelta(hours=1)
    )


def _rows(client, query=""):
    return client.get(f"/audit/{query}").context["rows"]


def test_reading_an_answer_reads_as_a_sentence(practice_admin, counselor, answered, as_user):
    audit_record(actor=counselor, action=AuditAction.RESPONSE_VIEWED, target=answered)
    rows = _rows(as_user(practice_admin), "?action=response.viewed")
    title = answered.occurrence.assignment.template.title
    assert [row.sentence for row in rows] == [f"Dana Reyes read Sam Lee's answer to {title}"]


def test_a_practice_admin_gets_no_link_to_an_answer(practice_admin, counselor, answered, as_user):
    audit_record(actor=counselor, action=AuditAction.RESPONSE_VIEWED, target=answered)
    [row] = _rows(as_user(practice_admin), "?action=response.viewed")
    assert row.target.url == ""
    assert (
        f"/exercises/occurrences/{answered.occurrence_id}/"
        not in as_user(practice_admin).get("/audit/").content.decode()
    )


def test_booking_names_the_couple_and_the_time_in_the_readers_zone(practice_admin, appointment, as_user):
    practice_admin.time_zone = "UTC"
    practice_admin.save(update_fields=["time_zone"])
    audit_record(actor=practice_admin, action=AuditAction.APPOINTMENT_BOOKED, target=appointment)
    [row] = _rows(as_user(practice_admin), "?action=appointment.booked")
    assert row.sentence == "Alex Front booked an appointment for Sam Lee & Riley Lee on Tue Dec 8, 10:00"
    assert row.target.url == f"/appointments/{appointment.pk}/"


def test_an_event_without_actor_is_the_portals(practice_admin, couple, as_user):
    audit_record(actor=None, action=AuditAction.CONTENT_ERASED, target=couple)
    [row] = _rows(as_user(practice_admin))
    assert row.sentence == "The portal erased the clinical content of Sam Lee & Riley Lee"
    assert row.target.url == f"/couples/{couple.pk}/"


def test_a_target_that_is_gone_is_a_deleted_item(practice_admin, counselor, as_user):
    AuditEvent.objects.create(
        actor=counselor, action=AuditAction.RESPONSE_VIEWED, target_type="exercises.response", target_id="999999"
    )
    [row] = _rows(as_user(practice_admin))
    assert row.sentence == "Dana Reyes read a deleted item"


def test_a_target_type_that_names_no_model_is_a_record(practice_admin, counselor, as_user):
    AuditEvent.objects.create(
        actor=counselor, action=AuditAction.RESPONSE_VIEWED, target_type="Response", target_id="7"
    )
    [row] = _rows(as_user(practice_admin))
    assert row.sentence == "Dana Reyes read a record"


def test_no_sentence_holds_answer_or_comment_text(practice_admin, counselor, answered, as_user):
    audit_record(actor=counselor, action=AuditAction.RESPONSE_VIEWED, target=answered)
    services.comment_add(counselor=counselor, occurrence=answered.occurrence, body=f"About {SECRET}.")
    client = as_user(practice_admin)
    assert SECRET not in client.get("/audit/").content.decode()
    assert SECRET not in client.get("/audit/?format=csv").getvalue().decode()


def test_the_couple_filter_keeps_rows_about_that_couple(
    practice_admin, counselor, answered, couple, other_couple, as_user
):
    audit_record(actor=counselor, action=AuditAction.RESPONSE_VIEWED, target=answered)
    audit_record(actor=practice_admin, action=AuditAction.COUPLE_STATUS_CHANGED, target=other_couple)
    rows = _rows(as_user(practice_admin), f"?couple={couple.pk}")
    assert rows and all("Jo Diaz" not in row.sentence for row in rows)
    assert any(row.event.action == AuditAction.RESPONSE_VIEWED for row in rows)


def test_the_day_filter_keeps_the_days_asked_for(practice_admin, couple, as_user):
    AuditEvent.objects.create(
        actor=None,
        action=AuditAction.COUPLE_CREATED,
        target_type="accounts.couple",
        target_id=str(couple.pk),
        created_at=datetime(2026, 1, 15, 12, tzinfo=UTC),
    )
    client = as_user(practice_admin)
    assert len(_rows(client, "?since=2026-01-15&until=2026-01-15")) == 1
    assert _rows(client, "?since=2026-01-16") == []


def test_a_day_outside_the_horizon_is_a_form_error(practice_admin, as_user):
    response = as_user(practice_admin).get("/audit/?since=1066-10-14")
    assert response.status_code == 200
    assert response.context["form"].errors["since"]


def test_an_unreadable_day_is_a_form_error(practice_admin, as_user):
    response = as_user(practice_admin).get("/audit/?until=tuesday")
    assert response.status_code == 200
    assert response.context["form"].errors["until"]


def test_a_range_ending_before_it_starts_is_a_form_error(practice_admin, as_user):
    response = as_user(practice_admin).get("/audit/?since=2026-03-02&until=2026-03-01")
    assert response.context["form"].errors["until"]


def test_the_csv_holds_the_filtered_rows_and_is_not_stored(practice_admin, counselor, answered, couple, as_user):
    audit_record(actor=counselor, action=AuditAction.RESPONSE_VIEWED, target=answered)
    audit_record(actor=None, action=AuditAction.CONTENT_ERASED, target=couple)
    response = as_user(practice_admin).get("/audit/?action=response.viewed&format=csv")
    assert response.streaming
    assert "no-store" in response["Cache-Control"]
    lines = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert lines[0][0] == "time_utc"
    title = answered.occurrence.assignment.template.title
    assert [line[4] for line in lines[1:]] == [f"Dana Reyes read Sam Lee's answer to {title}"]
    assert lines[1][5:] == ["exercises.response", str(answered.pk)]


def test_the_csv_quotes_a_name_that_looks_like_a_formula(practice_admin, counselor, couple, as_user):
    counselor.full_name = "=HYPERLINK(evil)"
    counselor.save(update_fields=["full_name"])
    audit_record(actor=counselor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple)
    body = as_user(practice_admin).get("/audit/?format=csv").getvalue().decode()
    [line] = list(csv.reader(io.StringIO(body)))[1:]
    assert line[2] == "'=HYPERLINK(evil)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in line)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_a_formula_cell_is_prefixed_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["counselor", "partner"])
def test_counselors_and_clients_get_no_csv(who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/audit/?format=csv").status_code == 404


def _mixed(n, counselor, practice_admin, answered, appointment, couple):
    targets = [
        (counselor, AuditAction.RESPONSE_VIEWED, answered),
        (practice_admin, AuditAction.APPOINTMENT_BOOKED, appointment),
        (None, AuditAction.CONTENT_ERASED, couple),
        (practice_admin, AuditAction.USER_PROFILE_UPDATED, counselor),
        (counselor, AuditAction.ASSIGNMENT_PAUSED, answered.occurrence.assignment),
    ]
    for i in range(n):
        actor, action, target = targets[i % len(targets)]
        audit_record(actor=actor, action=action, target=target)


@pytest.mark.parametrize("url", ["/audit/", "/audit/?format=csv"])
def test_queries_do_not_grow_with_the_rows(url, practice_admin, counselor, answered, appointment, couple, as_user):
    client = as_user(practice_admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                response.getvalue()
        return len(captured.captured_queries)

    _mixed(5, counselor, practice_admin, answered, appointment, couple)
    client.get(url)
    with_5 = queries()
    # 5 rows, then 55 (a full page): the fixtures' own rows (assignment created, answer
    # submitted) are of these types too
    _mixed(50, counselor, practice_admin, answered, appointment, couple)
    assert queries() == with_5
