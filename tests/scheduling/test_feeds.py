"""Private iCalendar feeds (appointments, and a client's exercise due dates) and single-appointment .ics downloads."""

from __future__ import annotations

from datetime import UTC, time, timedelta

import pytest
import vobject
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from exercises import services as exercise_services
from exercises.models import Occurrence
from scheduling import services
from scheduling.ical import exercise_uid_for, uid_for
from tests.scheduling.helpers import at


@pytest.fixture
def visitor() -> Client:
    """A calendar app: no session, only the URL."""
    return Client()


def _feed_url(user) -> str:
    return f"/calendar/feed/{services.calendar_feed_enable(user=user).token}.ics"


def _events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def sessions(book, tuesday, practice_admin):
    """Sam and Riley's 10:00 session (with a staff note), and their 14:00 one, cancelled."""
    kept = book(tuesday, "10:00", staff_note="Discussed finances")
    cancelled = book(tuesday, "14:00")
    cancelled = services.appointment_cancel(actor=practice_admin, appointment=cancelled, reason="Travel")
    return kept, cancelled


def test_a_counselors_feed_is_text_calendar_with_their_appointments(visitor, dana, sessions):
    response = visitor.get(_feed_url(dana))
    assert response["Content-Type"].startswith("text/calendar")
    assert {str(event["uid"]) for event in _events(response.content)} == {uid_for(a) for a in sessions}


def test_feed_times_are_utc_and_round_trip_exactly(visitor, dana, sessions):
    kept = sessions[0]
    body = visitor.get(_feed_url(dana)).content
    [event] = [e for e in _events(body) if str(e["uid"]) == uid_for(kept)]
    assert event.decoded("dtstart") == kept.start == at(kept.start.date(), "10:00")
    assert event.decoded("dtend") == kept.end
    assert f"DTSTART:{kept.start.astimezone(UTC):%Y%m%dT%H%M%S}Z".encode() in body


def test_a_cancelled_appointment_stays_in_the_feed_as_cancelled_with_a_higher_sequence(visitor, dana, sessions):
    cancelled = sessions[1]
    [event] = [e for e in _events(visitor.get(_feed_url(dana)).content) if str(e["uid"]) == uid_for(cancelled)]
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == cancelled.sequence >= 1


def test_a_clients_feed_has_their_couples_appointments_without_the_staff_note(visitor, partner, sessions):
    body = visitor.get(_feed_url(partner)).content
    assert len(_events(body)) == 2
    assert b"finances" not in body
    assert b"Travel" not in body  # nor why it was cancelled


def test_another_couple_gets_none_of_these_appointments(visitor, other_couple, sessions):
    assert _events(visitor.get(_feed_url(other_couple.partner_one)).content) == []


def test_the_feed_parses_with_a_second_independent_parser(visitor, dana, sessions):
    calendar = vobject.readOne(visitor.get(_feed_url(dana)).content.decode())
    starts = sorted(event.dtstart.value for event in calendar.vevent_list)
    assert starts == sorted(a.start for a in sessions)


def test_a_regenerated_token_makes_the_old_url_a_404(visitor, dana, sessions):
    old = _feed_url(dana)
    services.calendar_feed_regenerate(user=dana)
    assert visitor.get(old).status_code == 404


def test_a_revoked_feed_is_a_404(visitor, dana, sessions):
    url = _feed_url(dana)
    services.calendar_feed_revoke(user=dana)
    assert visitor.get(url).status_code == 404


def test_a_location_feed_is_only_for_admins(visitor, practice_admin, dana, edmonds, sessions):
    admin_token = services.calendar_feed_enable(user=practice_admin).token
    counselor_token = services.calendar_feed_enable(user=dana).token
    assert len(_events(visitor.get(f"/calendar/feed/{admin_token}/locations/edmonds.ics").content)) == 2
    assert visitor.get(f"/calendar/feed/{counselor_token}/locations/edmonds.ics").status_code == 404


def test_the_feed_settings_page_turns_the_feed_on_and_off(as_user, partner):
    client = as_user(partner)
    client.post("/calendar/feed/", {"action": "enable"})
    token = partner.calendar_feed.token
    assert token in client.get("/calendar/feed/").content.decode()
    client.post("/calendar/feed/", {"action": "revoke"})
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404


def test_one_appointment_downloads_as_an_ics_file(as_user, partner, sessions):
    kept = sessions[0]
    response = as_user(partner).get(f"/appointments/{kept.pk}/calendar.ics")
    assert response["Content-Disposition"] == f'attachment; filename="appointment-{kept.pk}.ics"'
    [event] = _events(response.content)
    assert str(event["uid"]) == uid_for(kept)
    assert b"finances" not in response.content


def test_another_couples_appointment_ics_is_a_404(as_user, other_couple, sessions):
    assert as_user(other_couple.partner_one).get(f"/appointments/{sessions[0].pk}/calendar.ics").status_code == 404


# ---------------------------------------------------------------- a client's exercise due dates


@pytest.fixture
def exercises_due(counselor, couple):
    """Dana's "Feelings check" given to Sam and Riley twice (due in 2 and 9 days at 19:00), and a paused one."""
    template = exercise_services.template_create(
        owner=counselor,
        title="Feelings check",
        summary="Name a feeling.",
        instructions="Write one feeling.",
        fields=[{"key": "feeling", "kind": "short_text", "label": "I feel", "required": True, "max_length": 50}],
    )

    def assign(days: int) -> Occurrence:
        assignment = exercise_services.assignment_create(
            counselor=counselor,
            couple=couple,
            template=template,
            starts_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=days),
            due_time=time(19, 0),
        )
        return assignment.occurrences.get()

    soon, later, paused = assign(2), assign(9), assign(5)
    exercise_services.assignment_pause(assignment=paused.assignment, counselor=counselor)
    return soon, later


def _exercise_events(body: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in _events(body) if str(e["uid"]).startswith("exercise-")}


def test_a_clients_feed_has_each_open_exercise_at_its_due_time(visitor, partner, exercises_due):
    events = _exercise_events(visitor.get(_feed_url(partner)).content)
    assert sorted(events) == sorted(exercise_uid_for(o) for o in exercises_due)
    for occurrence in exercises_due:
        event = events[exercise_uid_for(occurrence)]
        assert event.decoded("dtstart") == occurrence.due_at
        assert str(event["summary"]) == "Exercise due: Feelings check"


def test_the_exercise_events_carry_the_title_only_never_prompts_or_answers(visitor, partner, exercises_due):
    exercise_services.response_save_draft(occurrence=exercises_due[0], user=partner, answers={"feeling": "Hopeful"})
    body = visitor.get(_feed_url(partner)).content
    assert b"Feelings check" in body
    for content in (b"Write one feeling", b"Name a feeling", b"I feel", b"Hopeful"):
        assert content not in body


def test_an_exercise_the_partner_submitted_leaves_their_feed(visitor, partner, exercises_due):
    soon, later = exercises_due
    exercise_services.response_submit(occurrence=soon, user=partner, answers={"feeling": "Calm"})
    assert sorted(_exercise_events(visitor.get(_feed_url(partner)).content)) == [exercise_uid_for(later)]


def test_a_paused_assignments_exercises_are_not_in_the_feed(visitor, partner, exercises_due):
    titles_due = [o.due_at for o in exercises_due]
    starts = [e.decoded("dtstart") for e in _exercise_events(visitor.get(_feed_url(partner)).content).values()]
    assert sorted(starts) == sorted(titles_due)  # the paused one (due in 5 days) is absent


def test_an_exercise_uid_is_stable_between_fetches(visitor, partner, exercises_due):
    url = _feed_url(partner)
    assert list(_exercise_events(visitor.get(url).content)) == list(_exercise_events(visitor.get(url).content))


def test_the_feed_with_exercises_parses_with_vobject_and_keeps_the_due_times(visitor, partner, sessions, exercises_due):
    calendar = vobject.readOne(visitor.get(_feed_url(partner)).content.decode())
    by_uid = {event.uid.value: event for event in calendar.vevent_list}
    assert {by_uid[exercise_uid_for(o)].dtstart.value for o in exercises_due} == {o.due_at for o in exercises_due}
    assert by_uid[uid_for(sessions[0])].dtstart.value == sessions[0].start


def test_a_counselors_feed_has_no_exercises(visitor, dana, exercises_due):
    assert _exercise_events(visitor.get(_feed_url(dana)).content) == {}
